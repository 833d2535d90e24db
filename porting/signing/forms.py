"""The customer's forms on the signing page: sign (consent and typed name), decline, or attach a document
the carrier needs (the missing bill)."""
from __future__ import annotations

from typing import Any

from django import forms

from porting.models import DocumentType
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


class DocumentForm(forms.Form):
    """A document the order still needs (``types``: the missing ones). The file itself is checked by the
    service, as for the API (PDF, PNG or JPEG told from the bytes, size, readable, not encrypted)."""

    type = forms.ChoiceField(label="Which document")
    file = forms.FileField(label="The file", error_messages={"required": "Choose the file to upload.",
                                                               "empty": "The file is empty."})

    def __init__(self, *args: Any, types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(t, DocumentType(t).label) for t in types]
        if types:
            field.initial = types[0]

    @classmethod
    def refused(cls, message: str, *, types: list[str]) -> DocumentForm:
        """A fresh form showing ``message`` on the file: the body was refused before it could be read."""
        form = cls(types=types)
        form.cleaned_data = {}  # add_error needs it; an unbound form never cleans
        form.add_error("file", message)
        return form
