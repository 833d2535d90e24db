"""Forms: the porting desk's transition forms (admin)."""
from __future__ import annotations

import datetime as dt

from django import forms

from porting.foc import eastern_today
from porting.rejections import REJECTION_CATALOGUE


class FocForm(forms.Form):
    date = forms.DateField(label="FOC date", widget=forms.DateInput(attrs={"type": "date"}),
                           help_text="The port date the losing carrier confirmed.")
    time = forms.TimeField(label="FOC time (Eastern)", required=False, input_formats=["%H:%M"],
                           widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                           help_text="HH:MM, America/New_York. Leave empty if the carrier gave none.")

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date < eastern_today():
            raise forms.ValidationError("The FOC date cannot be in the past.")
        return date


class RejectForm(forms.Form):
    code = forms.ChoiceField(
        label="Rejection code",
        choices=[(r.code, f"{r.code} — {r.reason}") for r in REJECTION_CATALOGUE.values()],
    )
    message = forms.CharField(label="Carrier's message", max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="What the losing carrier said (defaults to the code's reason).")


class CancelForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    body = forms.CharField(label="Internal note", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


DESK_FORMS = {"foc": FocForm, "reject": RejectForm, "cancel": CancelForm}


class ApprovalRequestForm(forms.Form):
    email = forms.EmailField(label="Customer's email", help_text="The signing link is sent here.")
    name = forms.CharField(label="Customer's name", max_length=100, required=False)


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

    def __init__(self, *args, approver_name: str, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.approver_name = approver_name
        self.fields["signature"].help_text = f"Type it exactly as: {approver_name}"

    def clean_signature(self) -> str:
        from porting.rules import signature_matches

        signature = self.cleaned_data["signature"]
        if not signature_matches(signature, self.approver_name):
            raise forms.ValidationError(f"The signature must be the approver's full name: {self.approver_name}.")
        return signature


class DeclineForm(forms.Form):
    reason = forms.CharField(label="What is not right?", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
