"""The verify page's form: an uploaded PDF, or a pasted SHA-256 (one of the two)."""
from __future__ import annotations

import re
from typing import Any

from django import forms

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class VerifyForm(forms.Form):
    pdf = forms.FileField(required=False, label="The Letter of Authorization (PDF)",
                          help_text="The file as you received it, up to 10 MB.")
    sha256 = forms.CharField(required=False, max_length=200, label="Its SHA-256",
                             help_text="64 hexadecimal characters, as sha256sum or shasum -a 256 prints them.")

    def clean_sha256(self) -> str:
        value = "".join(str(self.cleaned_data.get("sha256") or "").split()).lower().removeprefix("sha256:")
        if value and not SHA256_HEX.fullmatch(value):
            raise forms.ValidationError("A SHA-256 is 64 hexadecimal characters (0 to 9 and a to f).")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        if bool(cleaned.get("pdf")) == bool(cleaned.get("sha256")):
            raise forms.ValidationError("Upload the PDF or paste its SHA-256: one of the two.")
        return cleaned
