"""What the Letter of Authorization says: its text, and the authorized content in canonical form."""
from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings

from porting.formatting import hhmm, iso_date
from porting.models import PortOrder

LOA_TEXT_VERSION = "portico-loa-2026-11"
AUTHORIZATION_STATEMENT = (
    "I, the undersigned, am authorized to act for the customer named above. I authorize {gaining} "
    "to act as my agent to port the telephone numbers listed in this letter from {losing} to {gaining}, "
    "and to request and receive, on my behalf, the information needed to complete the port, including "
    "the customer service record. I understand that porting these numbers ends my service for them with "
    "the current carrier, that other services on the account (such as features, internet, or long "
    "distance) may be affected, and that I remain responsible for any charges due to the current carrier."
)


def losing_carriers(order: PortOrder) -> str:
    names = sorted({n.losing_carrier_name for n in order.numbers.all() if n.losing_carrier_name})
    return ", ".join(names) or "the current carrier"


def authorization_statement(order: PortOrder) -> str:
    """The paragraph the customer signs, naming the gaining and losing carriers."""
    return AUTHORIZATION_STATEMENT.format(gaining=settings.PORTING_OPERATOR_NAME, losing=losing_carriers(order))


def authorized_content(order: PortOrder) -> dict[str, Any]:
    """Everything the customer authorizes, in a canonical form (hashed into the certificate).

    The platform's branding (the letterhead's "<operator>, on behalf of <platform>", its logo and support
    contacts: ``porting.branding``) is left out on purpose. It is presentation: the agent the customer appoints
    is the gaining carrier, named in the statement and above, and the statement does not change with branding.
    Hashing it would make a new logo or a corrected display name clear the approval of every open order of the
    platform, and make two LOAs that authorize the same port differ.
    """
    return {
        "text_version": LOA_TEXT_VERSION,
        "order_id": order.pk,
        "gaining_carrier": settings.PORTING_OPERATOR_NAME,
        "losing_carrier": losing_carriers(order),
        "business_name": order.business_name,
        "approver_name": order.approver_name,
        "btn": order.btn,
        "account_number_last4": (order.account_number or "")[-4:],
        "service_address": [order.address_house_number, order.address_street_name, order.address_city,
                            order.address_state, order.address_zip],
        "phone_numbers": [n.phone_number for n in order.numbers.all()],
        "requested_foc_date": iso_date(order.requested_foc_date),
        "requested_foc_time": hhmm(order.requested_foc_time),
        "signature": order.approval_signature or None,
    }


def content_sha256(order: PortOrder) -> str:
    canonical = json.dumps(authorized_content(order), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
