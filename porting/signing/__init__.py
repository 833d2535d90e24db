"""The customer's signing pages (/sign/<token>/): review the order and its LOA, sign or decline."""
