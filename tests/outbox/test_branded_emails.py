"""Emails of a branded platform's orders: the signing link and the status emails read "<operator>, on behalf
of <platform>" in the text and the HTML bodies; a PNG logo rides along inline (multipart/related, shown by
its Content-ID); the customer is told where to ask. Unbranded: as before."""
from __future__ import annotations

import email
import re

from django.core import mail

from porting.notifications.emails import LOGO_CID
from tests.branding import DISPLAY_NAME, SUPPORT_EMAIL, SUPPORT_PHONE, brand, png_logo
from tests.outbox.test_status_emails import both, confirm_foc, html, signed_by_the_customer, to_customer, to_platform

OPERATOR = "Portico Demo Telecom"
ON_BEHALF = f"{OPERATOR}, on behalf of {DISPLAY_NAME}"


def ask_to_sign(api, capture):
    order = api.create()
    with capture(execute=True):
        api.post(f"/v1/port-orders/{order['id']}/approval-requests", {"email": "jane@smith.example", "name": "Jane"})
    return mail.outbox[-1]


def inline_images(message) -> list:
    """The image parts of the message as sent, parsed back from its bytes."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    return [part for part in parsed.walk() if part.get_content_maintype() == "image"]


def test_the_signing_link_email_is_sent_on_behalf_of_the_platform_with_its_logo_inline(
    api, tenant, settings, django_capture_on_commit_callbacks,
):
    settings.PORTING_OPERATOR_NAME = OPERATOR
    brand(tenant.platform, png_logo())
    message = ask_to_sign(api, django_capture_on_commit_callbacks)
    text = both(message)
    assert text.count(ON_BEHALF) == 2  # in the text body and in the HTML one
    assert text.count(f"Questions? Contact {DISPLAY_NAME}: {SUPPORT_EMAIL}") == 2
    assert f'src="cid:{LOGO_CID}"' in html(message)
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert parsed.get_content_type() == "multipart/related"
    (image,) = inline_images(message)
    assert image.get_content_type() == "image/png" and image["Content-ID"] == f"<{LOGO_CID}>"
    assert image.get("Content-Disposition", "").startswith("inline")
    assert image.get_payload(decode=True).startswith(b"\x89PNG")


def test_an_svg_logo_is_left_out_of_the_email_but_the_branding_stays(
    api, tenant, settings, django_capture_on_commit_callbacks,
):
    settings.PORTING_OPERATOR_NAME = OPERATOR
    brand(tenant.platform)  # SVG: most mail programs would not show it
    message = ask_to_sign(api, django_capture_on_commit_callbacks)
    assert ON_BEHALF in message.body and ON_BEHALF in html(message)
    assert inline_images(message) == [] and "<img" not in html(message)


def test_the_customer_hears_of_the_port_date_on_behalf_of_the_platform_and_where_to_ask(
    api, tenant, notified, settings, django_capture_on_commit_callbacks,
):
    settings.PORTING_OPERATOR_NAME = OPERATOR
    brand(tenant.platform, png_logo())
    order_id = signed_by_the_customer(api, django_capture_on_commit_callbacks)
    api.submit(order_id)
    confirm_foc(api, order_id, django_capture_on_commit_callbacks)
    (customer,) = to_customer()
    text = both(customer)
    assert text.count(ON_BEHALF) >= 2
    assert text.count(f"Questions? Contact {DISPLAY_NAME}:") == 2 and SUPPORT_PHONE in customer.body
    assert len(inline_images(customer)) == 1
    (platform,) = to_platform()  # the platform sees the branding its customers see, not its own contacts
    assert ON_BEHALF in platform.body and "Questions?" not in both(platform)


def test_without_branding_the_emails_are_as_before(api, notified, settings, django_capture_on_commit_callbacks):
    settings.PORTING_OPERATOR_NAME = OPERATOR
    message = ask_to_sign(api, django_capture_on_commit_callbacks)
    assert message.body.startswith("Hello Jane,")
    assert "on behalf of" not in both(message) and "<img" not in html(message) and inline_images(message) == []
    assert message.message().get_content_type() == "multipart/alternative"
    order_id = signed_by_the_customer(api, django_capture_on_commit_callbacks, ["+12025551299"])
    api.submit(order_id)
    confirm_foc(api, order_id, django_capture_on_commit_callbacks)
    (customer,) = to_customer()
    assert "on behalf of" not in both(customer) and "Questions?" not in both(customer)
    assert re.search(rf"\n{OPERATOR}\n", customer.body)  # signed by the operator, as before
