"""The public verify page (/verify/): anyone checks, without logging in, whether a PDF is an LOA issued here."""
