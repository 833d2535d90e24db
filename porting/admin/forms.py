"""The porting desk's forms: transitions, notes and approval requests."""
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
        date: dt.date = self.cleaned_data["date"]
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
