"""Platforms, accounts and API keys on the desk: superusers manage them; keys are revoked, never deleted."""
from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from porting import services
from porting.admin.site import desk_site
from porting.branding import LOGO_MAX_BYTES, Logo, LogoError, clean_logo, logo_sha256
from porting.models import Account, ApiKey, Platform, PlatformLogo


def _is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


class SuperuserManagedAdmin(admin.ModelAdmin[Any]):
    """Tenants: everyone on the desk may read them, superusers add and change them, nobody deletes
    them (they own orders and keys: revoke keys instead)."""

    search_fields = ["name", "id"]
    readonly_fields = ["id", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlatformForm(forms.ModelForm[Platform]):
    """The platform with its branding: the logo is checked and cleaned here (``porting.branding.clean_logo``)
    and stored by ``save_logo`` once the platform is saved."""

    logo_file = forms.FileField(
        required=False, label="Logo",
        help_text=f"PNG or SVG, at most {LOGO_MAX_BYTES // 1024} KB; a PNG 16 to 2048 pixels a side. It is shown "
                  "about 12 mm high on the LOA and 2.5 em high on the signing page. SVG scripts, event handlers and "
                  "references to other files are removed. Only a PNG logo is shown in emails (most mail programs "
                  "do not show SVG).",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/svg+xml,.png,.svg"}),
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")
    # Declared to read "help.example/support" as https (Django 6's default); the model's https-only validator
    # still runs when the form validates the instance.
    support_url = forms.URLField(required=False, max_length=300, assume_scheme="https",
                                 help_text=Platform._meta.get_field("support_url").help_text)

    class Meta:
        model = Platform
        fields = ["name", "notification_emails", "display_name", "support_email", "support_phone", "support_url"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.logo: Logo | None = None

    def clean_logo_file(self) -> Any:
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return upload
        if upload.size is not None and upload.size > LOGO_MAX_BYTES:  # refused before it is read
            raise forms.ValidationError(f"The logo is {upload.size / 1024:.0f} KB; it may be at most "
                                        f"{LOGO_MAX_BYTES // 1024} KB.")
        try:
            self.logo = clean_logo(upload.read(LOGO_MAX_BYTES + 1))
        except LogoError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload

    def clean_support_phone(self) -> str:
        """Any number a person can dial, stored in international format (``+1 202-555-0100``)."""
        value = str(self.cleaned_data.get("support_phone") or "").strip()
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, "US")
        except phonenumbers.NumberParseException as exc:
            raise forms.ValidationError("Enter a telephone number, such as +1 202 555 0100.") from exc
        if not phonenumbers.is_possible_number(number):
            raise forms.ValidationError("This is not a telephone number that can be dialled.")
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.logo is not None and cleaned.get("remove_logo"):
            self.add_error("remove_logo", "Upload a new logo or remove the logo, not both.")
        contacts = [cleaned.get(f) for f in ("support_email", "support_phone", "support_url")]
        if not str(cleaned.get("display_name") or "").strip() and (self.logo is not None or any(contacts)):
            self.add_error("display_name", "Give the platform a display name: its logo and support contacts are "
                                           "shown only with it.")
        return cleaned

    def save_logo(self, platform: Platform) -> None:
        """Store the new logo, or remove the old one, as the form asked."""
        if self.logo is not None:
            PlatformLogo.objects.update_or_create(platform=platform, defaults={
                "content": self.logo.content, "content_type": self.logo.content_type,
                "sha256": logo_sha256(self.logo), "updated_at": timezone.now()})
        elif self.cleaned_data.get("remove_logo"):
            PlatformLogo.objects.filter(platform=platform).delete()


@admin.register(Platform, site=desk_site)
class PlatformAdmin(SuperuserManagedAdmin):
    list_display = ["name", "display_name", "id", "created_at"]
    search_fields = ["name", "display_name", "id"]
    form = PlatformForm
    readonly_fields = ["id", "created_at", "current_logo"]
    branding_description = ("With a display name, the LOA, the signing page and the emails of this platform's "
                            "orders read \"[operator], on behalf of [display name]\", with the logo and the "
                            "support contacts. Branding is presentation: changing it never clears an approval.")

    def get_fieldsets(self, request: HttpRequest, obj: Platform | None = None) -> Any:
        branding: list[str] = ["display_name", "current_logo"]
        if self.has_change_permission(request, obj):  # a read-only view has no upload fields to show
            branding += ["logo_file", "remove_logo"] if obj is not None else ["logo_file"]
        return [
            (None, {"fields": ["id", "name", "notification_emails", "created_at"]}),
            ("Branding", {"fields": [*branding, "support_email", "support_phone", "support_url"],
                          "description": self.branding_description}),
        ]

    @admin.display(description="Current logo")
    def current_logo(self, obj: Platform) -> SafeString | str:
        logo = PlatformLogo.objects.filter(platform=obj).first() if obj.pk else None
        if logo is None:
            return "—"
        preview = Logo(bytes(logo.content), logo.content_type)
        return format_html('<img src="{}" alt="" style="max-height: 48px; max-width: 240px; background: #fff; '
                           'padding: 4px; border: 1px solid #ccc"> {}, {} KB', preview.data_url,
                           logo.get_content_type_display(), f"{len(preview.content) / 1024:.1f}")

    def save_model(self, request: HttpRequest, obj: Platform, form: ModelForm[Platform], change: bool) -> None:
        super().save_model(request, obj, form, change)
        if isinstance(form, PlatformForm):
            form.save_logo(obj)


@admin.register(Account, site=desk_site)
class AccountAdmin(SuperuserManagedAdmin):
    list_display = ["name", "id", "platform", "created_at"]
    list_select_related = ["platform"]
    list_filter = ["platform"]


@admin.register(ApiKey, site=desk_site)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ["prefix", "name", "platform", "livemode", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["platform"]
    list_filter = ["livemode", "platform"]
    actions = ["revoke_keys"]
    fields = ["platform", "name", "livemode"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # keys are revoked, never deleted (the audit trail names them)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        if obj is None:
            return []
        return ["platform", "livemode", "prefix", "created_at", "last_used_at", "revoked_at"]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("platform", "name", "livemode")
        return ("prefix", "name", "platform", "livemode", "created_at", "last_used_at", "revoked_at")

    def save_model(self, request: HttpRequest, obj: ApiKey, form: ModelForm[ApiKey], change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        key, raw = services.api_key_create(platform=obj.platform, livemode=obj.livemode, name=obj.name)
        obj.pk, obj.prefix, obj.secret_hash, obj.created_at = key.pk, key.prefix, key.secret_hash, key.created_at
        obj._state.adding = False
        request._portico_new_key = raw  # type: ignore[attr-defined]  # handed to response_add below

    def response_add(self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None) -> HttpResponse:
        raw = getattr(request, "_portico_new_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "key": obj, "raw_key": raw,
                   "title": "API key created"}
        response = TemplateResponse(request, "admin/porting/apikey/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke selected API keys")
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            services.api_key_revoke(key=key)
            count += 1
        self.message_user(request, f"Revoked {count} key(s). Requests with them now fail with 401.")
