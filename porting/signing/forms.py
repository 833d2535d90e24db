"""The customer's forms on the signing page: sign (consent and typed name) or decline."""
from __future__ import annotations

from typing import Any

from django import forms

from porting.rules import signature_matches


class SignForm(forms.Form):
    """The customer's signature: ESIGN consent and the approver's full name, typed."""

    consent = forms.BooleanField(
        label="I agree to sign this Letter of Authorization electronically.",
        error_messages={"required": "Tick the box to consent to sign electronically."},
    )
    signature = forms.CharField(
        label="Type your full name", max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
    )

    def __init__(self, *args: Any, approver_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.approver_name = approver_name
        self.fields["signature"].help_text = f"Type it exactly as: {approver_name}"

    def clean_signature(self) -> str:
        signature: str = self.cleaned_data["signature"]
        if not signature_matches(signature, self.approver_name):
            raise forms.ValidationError(f"The signature must be the approver's full name: {self.approver_name}.")
        return signature


class DeclineForm(forms.Form):
    reason = forms.CharField(label="What is not right?", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
