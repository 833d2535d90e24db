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
    body = forms.CharField(label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(
        label="Who sees it", initial="internal", widget=forms.RadioSelect, required=False,
        choices=[("internal", "Internal note (the desk only)"),
                 ("public", "Public comment (the integrator sees it in the API and by webhook)")],
    )
    action_required = forms.BooleanField(
        label="Action required from the integrator", required=False,
        help_text="Public comments only: the order shows action_required until they comment or update it.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        data["visibility"] = data.get("visibility") or "internal"  # the safe default: nothing leaves the desk
        if data.get("action_required") and data.get("visibility") != "public":
            raise forms.ValidationError("Only a public comment can ask the integrator for an action.")
        return data


DESK_FORMS = {"foc": FocForm, "reject": RejectForm, "cancel": CancelForm}


class LosingCarrierForm(forms.Form):
    """The losing carrier of an order's numbers, as the desk confirmed it (with the carrier or the customer)."""

    name = forms.CharField(label="Losing carrier", max_length=100)
    spid = forms.RegexField(label="SPID (OCN)", regex=r"^[0-9A-Z]{4}$", max_length=4,
                            help_text="The carrier's 4-character Service Provider ID, e.g. 6006.",
                            error_messages={"invalid": "A SPID is 4 digits or capital letters."})
    is_wireless = forms.TypedChoiceField(
        label="Wireless", choices=[("", "—"), ("yes", "Wireless (account number and PIN needed)"),
                                   ("no", "Wireline")],
        coerce=lambda value: value == "yes",
    )
    phone_numbers = forms.MultipleChoiceField(
        label="Numbers", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to set every number of the order.",
    )

    def __init__(self, *args: object, numbers: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["phone_numbers"].choices = [(n, n) for n in numbers]  # type: ignore[attr-defined]


class ApprovalRequestForm(forms.Form):
    email = forms.EmailField(label="Customer's email", help_text="The signing link is sent here.")
    name = forms.CharField(label="Customer's name", max_length=100, required=False)
