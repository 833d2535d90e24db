"""The rejection catalogue: codes a losing carrier answers with, their reason and how to fix them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RejectionReason:
    code: str
    reason: str
    how_to_fix: str


_CATALOGUE = [
    RejectionReason("address_mismatch", "Service address mismatch",
                    "Update the address to match the losing carrier's records."),
    RejectionReason("account_number_invalid", "Account number required",
                    "Contact the losing carrier for your account number."),
    RejectionReason("name_mismatch", "Approver name mismatch",
                    "Use the exact name on file with the losing carrier."),
    RejectionReason("business_name_mismatch", "Business name mismatch",
                    "Use the business name from the carrier's Customer Service Record (CSR), "
                    "which may differ from the name on the bill."),
    RejectionReason("btn_mismatch", "BTN mismatch", "Verify the billing telephone number with the losing carrier."),
    RejectionReason("pin_required", "PIN required",
                    "Contact the losing carrier to get the PIN or passcode for the account, "
                    "then include it in the pin field."),
    RejectionReason("pin_invalid", "PIN invalid",
                    "The PIN provided doesn't match the carrier's records: contact the losing carrier "
                    "to verify the correct PIN and update the order."),
    RejectionReason("partial_port_undeclared", "Partial port not declared",
                    "The order leaves numbers behind on the account: list every number on the account, "
                    "or tell the losing carrier which numbers stay."),
    RejectionReason("btn_ported_needs_new_btn", "BTN is being ported",
                    "The billing number is part of the port: arrange a new BTN with the losing carrier "
                    "for the numbers that stay, then resubmit."),
    RejectionReason("pending_order", "Pending order on the account",
                    "The losing carrier has another order open on this account: wait for it to finish "
                    "or ask them to cancel it, then resubmit."),
    RejectionReason("port_out_freeze", "Port-out freeze",
                    "The account has a port-out freeze (port protection): ask the customer to lift it "
                    "with the losing carrier, then resubmit."),
    RejectionReason("special_feature_on_line", "Special feature on the line",
                    "Remove features such as DSL, alarm or hunt groups from the line with the losing "
                    "carrier, then resubmit."),
    RejectionReason("number_inactive", "Number not active",
                    "The number is disconnected at the losing carrier: reactivate it there first."),
    RejectionReason("number_already_ported", "Number already ported",
                    "The number is no longer with this carrier: check eligibility again and create "
                    "an order for the current carrier."),
    RejectionReason("foc_expired", "FOC date expired",
                    "The confirmed date passed without activation: request a new date and resubmit."),
    RejectionReason("other", "Other", "Read the carrier's message and contact the porting desk."),
]

REJECTION_CATALOGUE: dict[str, RejectionReason] = {r.code: r for r in _CATALOGUE}
REJECTION_CODES = tuple(REJECTION_CATALOGUE)


def how_to_fix(code: str) -> str:
    reason = REJECTION_CATALOGUE.get(code)
    return reason.how_to_fix if reason else REJECTION_CATALOGUE["other"].how_to_fix
