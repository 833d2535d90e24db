"""Port orders: create, update (merge), approve, submit and cancel.

Each function is atomic, takes keyword-only arguments, locks the order it changes, calls the
transition, writes the audit event in the same transaction, and names the side effects that
follow the commit (carrier calls, the LOA).
"""
from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from porting import outbox
from porting.carriers import NumberLookup
from porting.documents import check_documents_provided
from porting.effects import Effect
from porting.eligibility import lookup_order_numbers
from porting.errors import ApprovalRequired, InvalidState, ValidationFailed, field_error
from porting.models import AT_CARRIER_STATUSES, ActorType, ApprovalRequest, PortOrder, PortOrderNumber, PortStatus
from porting.rules import check_complete, check_foc, check_numbers_free, check_order_fields, signature_matches
from porting.services.audit import Actor, lock_order, record_event, refetch_order, run_transition, save_order
from porting.services.esign import approval_requests_revoke_open
from porting.services.loa import supersede_loas

SUBSCRIBER_FIELDS = {
    "btn": "btn",
    "business_name": "business_name",
    "approver_name": "approver_name",
    "account_number": "account_number",
    "pin": "pin",
}
ADDRESS_FIELDS = {
    "house_number": "address_house_number",
    "street_name": "address_street_name",
    "city": "address_city",
    "state": "address_state",
    "zip": "address_zip",
}
NULLABLE_FIELDS = {"account_number", "pin", "requested_foc_date", "requested_foc_time"}
# Fields an update may change without touching what the customer authorized (not printed on the LOA).
NOT_ON_LOA = {"losing_carrier_name", "customer_reference", "description"}
UPDATABLE_STATUSES = (PortStatus.DRAFT, PortStatus.APPROVED, PortStatus.EXCEPTION)


def require_approvable(order: PortOrder, action: str) -> None:
    """What a customer may approve: a draft (or a rejected order corrected since its approval), complete,
    whose requested FOC is still allowed."""
    if not order.awaits_approval():
        raise InvalidState(f"Only a draft, or a rejected order corrected since its approval, can be {action}; "
                           f"this port order is '{order.status}'.")
    check_complete(order)
    check_foc(order)


def _assign(order: PortOrder, data: dict[str, Any]) -> list[str]:
    """Merge ``data`` into the order (DESIGN §4 merge rules); return the paths that changed."""
    changed = []

    def put(attr: str, path: str, value: Any) -> None:
        if value is None and attr not in NULLABLE_FIELDS:
            value = ""
        if getattr(order, attr) != value:
            setattr(order, attr, value)
            changed.append(path)

    subscriber = data.get("subscriber") or {}
    for key, attr in SUBSCRIBER_FIELDS.items():
        if key in subscriber:
            put(attr, f"subscriber.{key}", subscriber[key])
    address = subscriber.get("address") or {}
    for key, attr in ADDRESS_FIELDS.items():
        if key in address:
            put(attr, f"subscriber.address.{key}", address[key])
    for key in ("requested_foc_date", "requested_foc_time"):
        if key in data:
            put(key, key, data[key])
    if "losing_carrier_name" in data:
        put("losing_carrier_hint", "losing_carrier_name", data["losing_carrier_name"])
    for key in ("customer_reference", "description"):
        if key in data:
            put(key, key, data[key])
    return changed


def _replace_numbers(order: PortOrder, lookups: list[NumberLookup]) -> None:
    """Give the order these numbers, each free of any other open order of its mode (409 otherwise)."""
    numbers = [r.phone_number for r in lookups]
    check_numbers_free(numbers, livemode=order.livemode, account_id=order.account_id, order_id=order.pk)
    order.numbers.all().delete()
    try:
        with transaction.atomic():  # a savepoint: losing the race below leaves the order's transaction usable
            PortOrderNumber.objects.bulk_create(
                PortOrderNumber(
                    order=order,
                    position=i,
                    phone_number=r.phone_number,
                    number_type=r.number_type,
                    losing_carrier_name=r.losing_carrier_name,
                    losing_carrier_spid=r.losing_carrier_spid,
                    is_wireless=r.is_wireless,
                    livemode=order.livemode,
                )
                for i, r in enumerate(lookups)
            )
    except IntegrityError:
        # A parallel request took one of the numbers after our check (the partial unique index
        # number_in_one_open_order caught it): its commit is visible now, so the check names it.
        check_numbers_free(numbers, livemode=order.livemode, account_id=order.account_id, order_id=order.pk)
        raise


def port_order_create(*, account_id: str, livemode: bool, data: dict[str, Any], actor: Actor) -> PortOrder:
    """Create a draft. Needs ``phone_numbers``; every other field present is validated."""
    lookups = lookup_order_numbers(data.get("phone_numbers"), livemode=livemode)
    check_order_fields(data, livemode=livemode, lookups=lookups)
    with transaction.atomic():
        order = PortOrder(account_id=account_id, livemode=livemode)
        _assign(order, data)
        order.save()
        _replace_numbers(order, lookups)
        record_event(
            order, "port_order.created", actor, to_status=order.status,
            data={"phone_numbers": [r.phone_number for r in lookups]},
        )
    return refetch_order(order)


def port_order_update(*, order: PortOrder, data: dict[str, Any], actor: Actor) -> PortOrder:
    """Merge changes into a draft, approved or exception order.

    A real change to an approved order clears the approval (back to draft); an exception order
    stays in exception, its rejection visible, until it is resubmitted.
    """
    if order.status not in UPDATABLE_STATUSES:
        raise InvalidState(f"A port order in status '{order.status}' cannot be updated.")
    lookups = lookup_order_numbers(data["phone_numbers"], livemode=order.livemode) if "phone_numbers" in data else None
    check_order_fields(data, livemode=order.livemode, lookups=lookups, order=order)
    with transaction.atomic():
        order = lock_order(order)
        if order.status not in UPDATABLE_STATUSES:
            raise InvalidState(f"A port order in status '{order.status}' cannot be updated.")
        changed = _assign(order, data)
        if lookups is not None and [n.phone_number for n in order.numbers.all()] != [r.phone_number for r in lookups]:
            _replace_numbers(order, lookups)
            changed.insert(0, "phone_numbers")
        if not changed:
            return refetch_order(order)
        order.updated_at = timezone.now()
        if actor.type == ActorType.API_KEY:  # the integrator acted on the order: the desk's ask is answered
            order.action_required = False
        save_order(order)
        record_event(order, "port_order.updated", actor, data={"changed": changed})
        if set(changed) - NOT_ON_LOA:
            loa_content_changed(order, actor, "order updated")
    return refetch_order(order)


def loa_content_changed(order: PortOrder, actor: Actor, reason: str) -> None:
    """What the customer authorized changed (DESIGN §4): open signing links die and an approval is cleared,
    its LOA superseded. The caller holds the order's lock."""
    approval_requests_revoke_open(order, actor, "the order changed after the link was sent")
    if order.has_approval():  # approved, or rejected and being corrected: the customer signs again
        superseded = supersede_loas(order)
        run_transition(order, "clear_approval", actor, "port_order.approval_cleared",
                       data={"reason": reason, "superseded_loas": superseded})


def port_order_approve(
    *, order: PortOrder, signature: str, ip: str, user_agent: str = "", actor: Actor,
    approval_request: ApprovalRequest | None = None,
) -> PortOrder:
    """The customer's approval: a complete order, a valid FOC, and the approver's own name as signature.

    Open signing links die (except ``approval_request``, the one being signed).
    """
    with transaction.atomic():
        order = lock_order(order)
        require_approvable(order, "approved")
        if not signature_matches(signature, order.approver_name):
            raise ValidationFailed(
                "The signature must be the approver's full name.",
                code="signature_mismatch",
                errors=[field_error("/signature", "Does not match subscriber.approver_name.")],
            )
        run_transition(
            order, "approve", actor, "port_order.approved",
            data={"signature": signature, "ip": ip, "user_agent": user_agent},
            signature=signature, ip=ip, user_agent=user_agent, at=timezone.now(),
        )
        approval_requests_revoke_open(order, actor, "the order was approved another way",
                                      keep=approval_request.pk if approval_request else None)
        outbox.put(Effect.LOA_RENDER, target_id=order.pk, order=order)
    return refetch_order(order)


def port_order_submit(*, order: PortOrder, actor: Actor) -> PortOrder:
    """Send an approved (or corrected exception) order to its carrier."""
    with transaction.atomic():
        order = lock_order(order)
        if order.awaits_approval():
            raise ApprovalRequired("The port order must be approved before it can be submitted"
                                   + (" (it changed after its approval)." if order.status == PortStatus.EXCEPTION
                                      else "."))
        if order.status not in (PortStatus.APPROVED, PortStatus.EXCEPTION):
            raise InvalidState(f"A port order in status '{order.status}' cannot be submitted.")
        check_complete(order)
        check_foc(order)
        check_documents_provided(order)
        run_transition(order, "submit", actor, "port_order.submitted", at=timezone.now())
        outbox.put(Effect.CARRIER_SUBMIT, target_id=order.pk, order=order)
    return refetch_order(order)


def port_order_cancel(*, order: PortOrder, actor: Actor, reason: str = "") -> PortOrder:
    """Cancel an order that has not ended; the carrier is told if it had the order."""
    with transaction.atomic():
        order = lock_order(order)
        was_at_carrier = order.status in (AT_CARRIER_STATUSES | {PortStatus.EXCEPTION})
        run_transition(order, "cancel", actor, "port_order.cancelled", data={"reason": reason} if reason else None,
                       at=timezone.now())
        approval_requests_revoke_open(order, actor, "the order was cancelled")
        if was_at_carrier:
            outbox.put(Effect.CARRIER_CANCEL, target_id=order.pk, order=order)
    return refetch_order(order)


def port_order_losing_carrier_confirm(
    *, order: PortOrder, actor: Actor, name: str, spid: str, is_wireless: bool, phone_numbers: list[str] | None = None,
) -> PortOrder:
    """The porting desk records the losing carrier (name, SPID) and wireless-ness of some or all numbers
    (live orders on the manual carrier learn them no other way). It is printed on the LOA, so it clears
    an approval like any change to what the customer authorized."""
    with transaction.atomic():
        order = lock_order(order)
        if order.status not in (PortStatus.DRAFT, PortStatus.APPROVED):
            raise InvalidState(f"The losing carrier can be set while the order is a draft or approved; "
                               f"this port order is '{order.status}'.")
        numbers = list(order.numbers.all())
        unknown = sorted(set(phone_numbers or []) - {n.phone_number for n in numbers})
        if unknown:
            raise ValidationFailed(f"Not on this order: {', '.join(unknown)}.")
        targets = [n for n in numbers if not phone_numbers or n.phone_number in phone_numbers]
        others = {n.losing_carrier_spid for n in numbers if n not in targets and n.losing_carrier_spid}
        if others - {spid}:
            raise ValidationFailed(
                f"The order's other numbers are with SPID {', '.join(sorted(others))}: one order takes the numbers "
                "of one losing carrier. Set the same carrier on all, or move these numbers to an order of their own.",
                code="split_required",
            )
        changed = [n for n in targets if (n.losing_carrier_name, n.losing_carrier_spid, n.is_wireless)
                   != (name, spid, is_wireless)]
        if not changed:
            return refetch_order(order)
        for number in changed:
            number.losing_carrier_name, number.losing_carrier_spid, number.is_wireless = name, spid, is_wireless
        PortOrderNumber.objects.bulk_update(changed, ["losing_carrier_name", "losing_carrier_spid", "is_wireless"])
        order.updated_at = timezone.now()
        save_order(order)
        record_event(order, "port_order.losing_carrier_confirmed", actor, data={
            "losing_carrier_name": name, "losing_carrier_spid": spid, "is_wireless": is_wireless,
            "phone_numbers": [n.phone_number for n in changed],
        })
        loa_content_changed(order, actor, "losing carrier confirmed")
    return refetch_order(order)
