"""The only code that creates or changes port orders (STYLE rules 1-3).

Every function here is atomic, takes keyword-only arguments, locks the order it changes, calls
the transition, writes the audit event in the same transaction, and schedules side effects
(carrier calls) for after the commit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from porting.apikeys import DISPLAY_PREFIX_LENGTH, generate_api_key, hash_api_key
from porting.carriers import CarrierError, CarrierUpdate, NumberLookup, carrier_for_mode
from porting.compiled import CompiledQuery, attach_prefetched
from porting.eligibility import parse_number_list
from porting.errors import ApprovalRequired, InvalidState, NotFound, ValidationFailed, field_error
from porting.models import (
    AT_CARRIER_STATUSES,
    OPEN_APPROVAL_STATUSES,
    ActorType,
    ApiKey,
    ApprovalRequest,
    ApprovalRequestStatus,
    Comment,
    Event,
    LoaDocument,
    Platform,
    PortOrder,
    PortOrderNumber,
    PortStatus,
)
from porting.phone import NotAPhoneNumber, parse_e164
from porting.rejections import REJECTION_CATALOGUE
from porting.rules import check_complete, check_foc, foc_errors, signature_matches

logger = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class Actor:
    """Who did something: an API key, the customer, a staff user, the carrier or the system."""

    type: str
    id: str = ""


SYSTEM = Actor(ActorType.SYSTEM)


# --- selectors ---------------------------------------------------------------
_NUMBER_COLUMNS = ["phone_number", "number_type", "losing_carrier_name", "losing_carrier_spid", "is_wireless"]
_NUMBERS_AS_JSON = {
    # One order's numbers as a JSON array of arrays, in position order, fetched with the order itself.
    "postgresql": "SELECT COALESCE(json_agg(json_build_array({cols}) ORDER BY n.position), '[]'::json) "
    "FROM porting_portordernumber n WHERE n.order_id = porting_portorder.id",
    "sqlite": "SELECT COALESCE(json_group_array(json_array({cols})), '[]') FROM (SELECT * FROM "
    "porting_portordernumber WHERE order_id = porting_portorder.id ORDER BY position) n",
}


def _order_with_numbers(livemode: bool, *, order_id: str, account_id: str) -> QuerySet:
    sql = _NUMBERS_AS_JSON[connection.vendor].format(cols=", ".join(f"n.{c}" for c in _NUMBER_COLUMNS))
    return (
        PortOrder.objects.filter(pk=order_id, account_id=account_id, livemode=livemode)
        .order_by()
        .annotate(numbers_json=RawSQL(sql, []))  # noqa: S611 - constant SQL above, no user input
    )


_ORDER_OF_ACCOUNT = CompiledQuery(PortOrder, _order_with_numbers, ("order_id", "account_id"))


def port_order_get(*, account_id: str, livemode: bool, order_id: str) -> PortOrder:
    """The account's order in this mode, or ``not_found`` with the same body whoever owns it.

    ``account_id`` must be verified to belong to the caller's platform (the API's
    AccountScopedView does it in the key's own query). One query: the order and its numbers
    (as JSON), compiled once per process (porting.compiled).
    """
    found = _ORDER_OF_ACCOUNT.fetch(bool(livemode), order_id=order_id, account_id=account_id)
    if not found:
        raise NotFound(f"No such port order: {order_id}")
    order = found[0]
    rows = order.numbers_json
    if isinstance(rows, str):
        rows = json.loads(rows)
    numbers = []
    for position, row in enumerate(rows):
        values = dict(zip(_NUMBER_COLUMNS, row, strict=True))
        if values["is_wireless"] is not None:
            values["is_wireless"] = bool(values["is_wireless"])
        numbers.append(PortOrderNumber(order_id=order.pk, position=position, **values))
    attach_prefetched(order, "numbers", numbers)
    return order


# --- helpers -----------------------------------------------------------------
def _event(
    order: PortOrder, type_: str, actor: Actor, *, from_status: str = "", to_status: str = "", data: dict | None = None
) -> Event:
    return Event.objects.create(
        order=order,
        type=type_,
        from_status=from_status,
        to_status=to_status,
        actor_type=actor.type,
        actor_id=actor.id,
        data=data or {},
    )


def _locked(order: PortOrder) -> PortOrder:
    """A fresh copy of the order, row-locked for the rest of the transaction."""
    return PortOrder.objects.select_for_update().prefetch_related("numbers").get(pk=order.pk)


def _save(order: PortOrder) -> None:
    """Save under optimistic locking: losing a race to another change is a 409, not a 500."""
    try:
        order.save()
    except ConcurrentTransition:
        raise InvalidState("The port order was changed by another request at the same time; fetch it and retry.")


def _transition(
    order: PortOrder, name: str, actor: Actor, event_type: str, data: dict | None = None, **kwargs: Any
) -> None:
    method = getattr(order, name)
    if not can_proceed(method):
        raise InvalidState(f"Cannot {name.replace('_', ' ')} a port order in status '{order.status}'.")
    from_status = order.status
    method(**kwargs)
    order.updated_at = timezone.now()
    _save(order)
    _event(order, event_type, actor, from_status=from_status, to_status=order.status, data=data)


def _require_approvable(order: PortOrder, action: str) -> None:
    """What a customer may approve: a draft, complete, whose requested FOC is still allowed."""
    if order.status != PortStatus.DRAFT:
        raise InvalidState(f"Only a draft can be {action}; this port order is '{order.status}'.")
    check_complete(order)
    check_foc(order)


def _lookup_numbers(raw_numbers: list[str], *, livemode: bool) -> list[NumberLookup]:
    """Validate an order's numbers: E.164, no duplicates, portable, one losing carrier and type."""
    parsed = parse_number_list(raw_numbers)
    lookups = carrier_for_mode(livemode).lookup(parsed)
    bad = [
        field_error(f"/phone_numbers/{i}", f"{r.phone_number} is not portable ({r.reason}).")
        for i, r in enumerate(lookups)
        if not r.portable
    ]
    if bad:
        raise ValidationFailed("Some phone numbers cannot be ported.", code="not_portable", errors=bad)
    groups: OrderedDict[tuple[str, str], list[NumberLookup]] = OrderedDict()
    for r in lookups:
        groups.setdefault((r.losing_carrier_spid, r.number_type), []).append(r)
    if len(groups) > 1:
        raise ValidationFailed(
            "One port order takes numbers of one losing carrier and one number type: "
            "split them into one order per group.",
            code="split_required",
            extra={
                "groups": [
                    {
                        "losing_carrier_spid": spid or None,
                        "losing_carrier_name": members[0].losing_carrier_name or None,
                        "number_type": number_type,
                        "phone_numbers": [m.phone_number for m in members],
                    }
                    for (spid, number_type), members in groups.items()
                ]
            },
        )
    return lookups


def _validate_fields(data: dict) -> None:
    """Rules on single fields that need the domain: the BTN number and the FOC window."""
    errors = []
    subscriber = data.get("subscriber") or {}
    btn = subscriber.get("btn")
    if btn:
        try:
            if not parse_e164(btn).valid:
                errors.append(field_error("/subscriber/btn", f"{btn} is not a valid telephone number."))
        except NotAPhoneNumber as exc:
            errors.append(field_error("/subscriber/btn", f"btn {exc}."))
    foc = foc_errors(data.get("requested_foc_date"), data.get("requested_foc_time"))
    if errors or foc:
        code = "foc_date_invalid" if foc and not errors else "validation_error"
        raise ValidationFailed("Some fields are invalid.", code=code, errors=errors + foc)


def _assign(order: PortOrder, data: dict) -> list[str]:
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
    return changed


def _replace_numbers(order: PortOrder, lookups: list[NumberLookup]) -> None:
    order.numbers.all().delete()
    PortOrderNumber.objects.bulk_create(
        PortOrderNumber(
            order=order,
            position=i,
            phone_number=r.phone_number,
            number_type=r.number_type,
            losing_carrier_name=r.losing_carrier_name,
            losing_carrier_spid=r.losing_carrier_spid,
            is_wireless=r.is_wireless,
        )
        for i, r in enumerate(lookups)
    )


def _refetch(order: PortOrder) -> PortOrder:
    return PortOrder.objects.prefetch_related("numbers").get(pk=order.pk)


# --- services ----------------------------------------------------------------
def port_order_create(*, account_id: str, livemode: bool, data: dict, actor: Actor) -> PortOrder:
    """Create a draft. Needs ``phone_numbers``; every other field present is validated."""
    lookups = _lookup_numbers(data.get("phone_numbers"), livemode=livemode)
    _validate_fields(data)
    with transaction.atomic():
        order = PortOrder(account_id=account_id, livemode=livemode)
        _assign(order, data)
        order.save()
        _replace_numbers(order, lookups)
        _event(
            order, "port_order.created", actor, to_status=order.status,
            data={"phone_numbers": [r.phone_number for r in lookups]},
        )
    return _refetch(order)


def port_order_update(*, order: PortOrder, data: dict, actor: Actor) -> PortOrder:
    """Merge changes into a draft, approved or exception order.

    A real change to an approved order clears the approval (back to draft); an exception order
    stays in exception, its rejection visible, until it is resubmitted.
    """
    if order.status not in (PortStatus.DRAFT, PortStatus.APPROVED, PortStatus.EXCEPTION):
        raise InvalidState(f"A port order in status '{order.status}' cannot be updated.")
    lookups = _lookup_numbers(data["phone_numbers"], livemode=order.livemode) if "phone_numbers" in data else None
    _validate_fields(data)
    with transaction.atomic():
        order = _locked(order)
        if order.status not in (PortStatus.DRAFT, PortStatus.APPROVED, PortStatus.EXCEPTION):
            raise InvalidState(f"A port order in status '{order.status}' cannot be updated.")
        changed = _assign(order, data)
        if lookups is not None and [n.phone_number for n in order.numbers.all()] != [r.phone_number for r in lookups]:
            _replace_numbers(order, lookups)
            changed.insert(0, "phone_numbers")
        if not changed:
            return _refetch(order)
        order.updated_at = timezone.now()
        _save(order)
        _event(order, "port_order.updated", actor, data={"changed": changed})
        _revoke_open_requests(order, actor, "the order changed after the link was sent")
        if order.status == PortStatus.APPROVED:
            superseded = _supersede_loas(order)
            _transition(order, "clear_approval", actor, "port_order.approval_cleared",
                        data={"reason": "order updated", "superseded_loas": superseded})
    return _refetch(order)


def port_order_approve(
    *, order: PortOrder, signature: str, ip: str, user_agent: str = "", actor: Actor,
    approval_request: ApprovalRequest | None = None,
) -> PortOrder:
    """The customer's approval: a complete order, a valid FOC, and the approver's own name as signature.

    Open signing links die (except ``approval_request``, the one being signed).
    """
    with transaction.atomic():
        order = _locked(order)
        _require_approvable(order, "approved")
        if not signature_matches(signature, order.approver_name):
            raise ValidationFailed(
                "The signature must be the approver's full name.",
                code="signature_mismatch",
                errors=[field_error("/signature", "Does not match subscriber.approver_name.")],
            )
        _transition(
            order, "approve", actor, "port_order.approved",
            data={"signature": signature, "ip": ip, "user_agent": user_agent},
            signature=signature, ip=ip, user_agent=user_agent, at=timezone.now(),
        )
        _revoke_open_requests(order, actor, "the order was approved another way",
                              keep=approval_request.pk if approval_request else None)
        order_id = order.pk
        transaction.on_commit(lambda: _enqueue("port_order_generate_loa", order_id))
    return _refetch(order)


def port_order_submit(*, order: PortOrder, actor: Actor) -> PortOrder:
    """Send an approved (or corrected exception) order to its carrier."""
    with transaction.atomic():
        order = _locked(order)
        if order.status == PortStatus.DRAFT:
            raise ApprovalRequired("The port order must be approved before it can be submitted.")
        if order.status not in (PortStatus.APPROVED, PortStatus.EXCEPTION):
            raise InvalidState(f"A port order in status '{order.status}' cannot be submitted.")
        check_complete(order)
        check_foc(order)
        _transition(order, "submit", actor, "port_order.submitted", at=timezone.now())
        order_id = order.pk
        transaction.on_commit(lambda: _enqueue("port_order_send_to_carrier", order_id))
    return _refetch(order)


def port_order_cancel(*, order: PortOrder, actor: Actor, reason: str = "") -> PortOrder:
    """Cancel an order that has not ended; the carrier is told if it had the order."""
    with transaction.atomic():
        order = _locked(order)
        was_at_carrier = order.status in (AT_CARRIER_STATUSES | {PortStatus.EXCEPTION})
        _transition(order, "cancel", actor, "port_order.cancelled", data={"reason": reason} if reason else None,
                    at=timezone.now())
        _revoke_open_requests(order, actor, "the order was cancelled")
        if was_at_carrier:
            order_id = order.pk
            transaction.on_commit(lambda: _enqueue("port_order_cancel_at_carrier", order_id))
    return _refetch(order)


def port_order_record_foc(
    *, order: PortOrder, actor: Actor, date: dt.date | None = None, time: dt.time | None = None
) -> PortOrder:
    """The carrier confirmed the port date (FOC); defaults to the requested date and time."""
    with transaction.atomic():
        order = _locked(order)
        date = date or order.requested_foc_date
        time = time if time is not None else order.requested_foc_time
        if date is None:
            raise ValidationFailed("An FOC date is required.", errors=[field_error("/date", "This field is required.")])
        _transition(order, "confirm_foc", actor, "port_order.foc",
                    data={"date": date.isoformat(), "time": time.strftime("%H:%M") if time else None},
                    date=date, time=time)
    return _refetch(order)


def port_order_record_rejection(*, order: PortOrder, actor: Actor, code: str, message: str = "") -> PortOrder:
    """The carrier rejected the order; it waits in ``exception`` for a fix and a resubmission."""
    if code not in REJECTION_CATALOGUE:
        raise ValidationFailed(
            f"Unknown rejection code {code!r}.",
            errors=[field_error("/code", "Must be one of: " + ", ".join(REJECTION_CATALOGUE) + ".")],
        )
    message = message or REJECTION_CATALOGUE[code].reason
    with transaction.atomic():
        order = _locked(order)
        _transition(order, "reject", actor, "port_order.exception", data={"code": code, "message": message},
                    code=code, message=message, at=timezone.now())
    return _refetch(order)


def port_order_complete(*, order: PortOrder, actor: Actor) -> PortOrder:
    """The numbers moved: the order is complete and its secrets are purged."""
    with transaction.atomic():
        order = _locked(order)
        _transition(order, "complete", actor, "port_order.completed", at=timezone.now())
    return _refetch(order)


def _apply_carrier_update(order: PortOrder, update: CarrierUpdate, actor: Actor) -> PortOrder:
    if update.kind == "foc":
        return port_order_record_foc(order=order, actor=actor, date=update.foc_date, time=update.foc_time)
    if update.kind == "exception":
        return port_order_record_rejection(order=order, actor=actor, code=update.code, message=update.message)
    if update.kind == "complete":
        return port_order_complete(order=order, actor=actor)
    raise ValueError(f"unknown carrier update {update.kind!r}")


def port_order_refresh(*, order: PortOrder, force: bool = False) -> PortOrder:
    """Ask the carrier about an order it holds, at most once per refresh interval.

    The carrier is called outside any transaction; its answer is applied under the row lock and
    only if the order is still in the state that was polled. A carrier failure is logged and the
    order returned as it was: reading an order never fails because a carrier is down.
    """
    if order.status not in AT_CARRIER_STATUSES:
        return order
    carrier = carrier_for_mode(order.livemode)
    interval = carrier.refresh_seconds if carrier.refresh_seconds is not None else settings.PORTING_REFRESH_SECONDS
    now = timezone.now()
    if not force and order.carrier_polled_at and (now - order.carrier_polled_at).total_seconds() < interval:
        return order
    polled_status = order.status
    try:
        update = carrier.poll(order)
    except CarrierError as exc:
        logger.warning("carrier %s poll failed for %s: %s", carrier.name, order.pk, exc.message)
        update = None
    PortOrder.objects.filter(pk=order.pk).update(carrier_polled_at=now)
    if update is None:
        return order
    with transaction.atomic():
        current = _locked(order)
        if current.status != polled_status:
            return _refetch(current)
        return _apply_carrier_update(current, update, Actor(ActorType.CARRIER, carrier.name))


def port_orders_refresh_open(*, batch_size: int | None = None) -> int:
    """Poll every order the carriers hold, least recently polled first; returns how many were polled."""
    batch_size = batch_size or settings.PORTING_REFRESH_BATCH_SIZE
    ids = list(
        PortOrder.objects.filter(status__in=AT_CARRIER_STATUSES)
        .order_by("carrier_polled_at", "id")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch_size):
        for order in PortOrder.objects.filter(pk__in=ids[start : start + batch_size]).prefetch_related("numbers"):
            port_order_refresh(order=order)
    return len(ids)


def port_order_send_to_carrier(*, order_id: str) -> None:
    """After commit: hand a submitted order to its carrier. A permanent failure becomes an exception."""
    order = PortOrder.objects.prefetch_related("numbers").get(pk=order_id)
    if order.status != PortStatus.SUBMITTED:
        return
    carrier = carrier_for_mode(order.livemode)
    try:
        carrier.submit(order)
    except CarrierError as exc:
        if not exc.permanent:
            raise
        port_order_record_rejection(order=order, actor=Actor(ActorType.CARRIER, carrier.name), code="other",
                                    message=exc.message)


def port_order_cancel_at_carrier(*, order_id: str) -> None:
    """After commit: tell the carrier a submitted order was cancelled."""
    order = PortOrder.objects.get(pk=order_id)
    carrier_for_mode(order.livemode).cancel(order)


def _enqueue(task_name: str, order_id: str) -> None:
    from porting import tasks

    getattr(tasks, task_name).delay(order_id)


# --- platforms, accounts and keys ----------------------------------------------
def api_key_create(*, platform: Platform, livemode: bool, name: str = "") -> tuple[ApiKey, str]:
    """A new key for the platform; the raw key is returned once and never stored."""
    raw = generate_api_key(livemode=livemode)
    key = ApiKey.objects.create(
        platform=platform, livemode=livemode, name=name,
        prefix=raw[:DISPLAY_PREFIX_LENGTH], secret_hash=hash_api_key(raw),
    )
    return key, raw


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    """Revoke a key: the next request with it fails with 401."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


# --- the porting desk (staff in the admin) ---------------------------------------
WORK_PERMISSION = "porting.work_portorder"
REVEAL_PERMISSION = "porting.reveal_portorder_secrets"


def staff_actor(user: Any) -> Actor:
    return Actor(ActorType.STAFF, user.get_username())


def _require(user: Any, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(f"{user.get_username()} lacks the permission {permission}.")


DESK_ACTIONS = {
    "submit": lambda order, actor, data: port_order_submit(order=order, actor=actor),
    "foc": lambda order, actor, data: port_order_record_foc(order=order, actor=actor, date=data["date"],
                                                            time=data.get("time")),
    "reject": lambda order, actor, data: port_order_record_rejection(order=order, actor=actor, code=data["code"],
                                                                     message=data.get("message", "")),
    "complete": lambda order, actor, data: port_order_complete(order=order, actor=actor),
    "cancel": lambda order, actor, data: port_order_cancel(order=order, actor=actor, reason=data.get("reason", "")),
}


def port_order_desk_action(*, order: PortOrder, user: Any, action: str, data: dict | None = None) -> PortOrder:
    """A transition the porting desk performs: the same services (rules, events, side effects) as the API."""
    _require(user, WORK_PERMISSION)
    if action not in DESK_ACTIONS:
        raise ValidationFailed(f"Unknown action {action!r}.")
    return DESK_ACTIONS[action](order, staff_actor(user), data or {})


def port_order_comment(*, order: PortOrder, user: Any, body: str) -> Comment:
    """An internal staff note on the order, shown in its timeline."""
    _require(user, WORK_PERMISSION)
    body = body.strip()
    if not body:
        raise ValidationFailed("A comment needs some text.", errors=[field_error("/body", "This field is required.")])
    with transaction.atomic():
        comment = Comment.objects.create(order=order, author=user, body=body)
        _event(order, "comment.created", staff_actor(user), data={"comment_id": comment.pk})
    return comment


def port_order_reveal_secrets(*, order: PortOrder, user: Any) -> dict[str, str | None]:
    """PIN and account number in full, for a permitted user; the reveal is written to the audit trail."""
    _require(user, REVEAL_PERMISSION)
    with transaction.atomic():
        _event(order, "port_order.secrets_revealed", staff_actor(user), data={"fields": ["pin", "account_number"]})
    return {"pin": order.pin, "account_number": order.account_number}


# --- the Letter of Authorization ---------------------------------------------------
def _supersede_loas(order: PortOrder) -> list[str]:
    """Mark the order's current LOA superseded (it stays, for the audit trail)."""
    current = list(LoaDocument.objects.filter(order=order, superseded_at__isnull=True).values_list("pk", flat=True))
    LoaDocument.objects.filter(pk__in=current).update(superseded_at=timezone.now())
    return current


def port_order_current_loa(*, order: PortOrder) -> LoaDocument:
    """The signed LOA of the order's current approval, or ``not_found``."""
    loa = LoaDocument.objects.filter(order=order, superseded_at__isnull=True).order_by("-pk").first()
    if loa is None:
        raise NotFound(f"Port order {order.pk} has no signed LOA: it is generated when the order is approved.")
    return loa


def port_order_generate_loa(*, order_id: str) -> LoaDocument | None:
    """After approval: render the signed LOA once, store it with its SHA-256, write ``loa.generated``."""
    from porting.loa import Certificate, content_sha256, render_loa_pdf

    order = PortOrder.objects.prefetch_related("numbers").get(pk=order_id)
    if order.approved_at is None:
        return None
    existing = LoaDocument.objects.filter(order=order, superseded_at__isnull=True, created_at__gte=order.approved_at)
    if existing.exists():
        return existing.first()
    approved_event = order.events.filter(type="port_order.approved").order_by("-pk").first()
    signed = order.approval_requests.filter(status=ApprovalRequestStatus.SIGNED,
                                            signed_at__gte=order.approved_at).order_by("-pk").first()

    def utc(value: dt.datetime | None) -> str | None:
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None

    if signed is not None:
        certificate = Certificate(
            signer_name=order.approval_signature, signer_email=signed.email, ip=order.approval_ip,
            user_agent=order.approval_user_agent or None, consent_version=signed.consent_version,
            method=f"Signed on the Portico signing page (link {signed.pk})",
            sent_at=utc(signed.created_at), viewed_at=utc(signed.viewed_at), signed_at=utc(order.approved_at),
        )
    else:
        certificate = None
    certificate = certificate or Certificate(
        signer_name=order.approval_signature,
        signer_email=None,
        ip=order.approval_ip,
        user_agent=order.approval_user_agent or None,
        consent_version=None,
        method=f"API approval recorded by {approved_event.actor_type} {approved_event.actor_id}".strip()
        if approved_event else "API approval",
        sent_at=None,
        viewed_at=None,
        signed_at=order.approved_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    pdf = render_loa_pdf(order, certificate=certificate)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        locked = _locked(order)
        if locked.approved_at != order.approved_at:
            return None  # the approval was cleared while rendering; a new approval renders its own
        loa = LoaDocument.objects.create(order=order, pdf=pdf, sha256=digest, content_sha256=content_sha256(order))
        _event(order, "loa.generated", SYSTEM,
               data={"loa_id": loa.pk, "sha256": digest, "content_sha256": loa.content_sha256})
    return loa


# --- approval requests: the emailed signing link ------------------------------------
ESIGN_CONSENT_VERSION = "esign-consent-2026-11"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _request_event(request: ApprovalRequest, kind: str, actor: Actor, **data: Any) -> None:
    _event(request.order, f"approval_request.{kind}", actor, data={"approval_request_id": request.pk, **data})


def _revoke_open_requests(order: PortOrder, actor: Actor, reason: str, keep: str | None = None) -> None:
    now = timezone.now()
    for request in order.approval_requests.filter(status__in=OPEN_APPROVAL_STATUSES).exclude(pk=keep or ""):
        request.status, request.revoked_at, request.revoke_reason = ApprovalRequestStatus.REVOKED, now, reason
        request.save(update_fields=["status", "revoked_at", "revoke_reason"])
        _request_event(request, "revoked", actor, reason=reason)


def approval_request_create(
    *, order: PortOrder, email: str, name: str = "", actor: Actor, requester_email: str = ""
) -> tuple[ApprovalRequest, str]:
    """Email the customer a signing link for a complete draft; earlier open links die. Returns the token once."""
    with transaction.atomic():
        order = _locked(order)
        _require_approvable(order, "sent for approval")
        _revoke_open_requests(order, actor, "a new approval request was sent")
        token = secrets.token_urlsafe(32)  # 256 bits from the CSPRNG; only its hash is stored
        request = ApprovalRequest.objects.create(
            order=order, email=email, name=name, token_hash=_token_hash(token),
            requested_by_type=actor.type, requested_by_id=actor.id, requester_email=requester_email,
            expires_at=timezone.now() + dt.timedelta(seconds=settings.PORTING_SIGNING_LINK_TTL),
        )
        _request_event(request, "sent", actor, email=email, expires_at=request.expires_at.isoformat())
        request_id = request.pk
        transaction.on_commit(lambda: _enqueue_email("send_approval_request_email", request_id, token))
    return request, token


def approval_request_effective_status(request: ApprovalRequest, now: dt.datetime | None = None) -> str:
    if request.status in OPEN_APPROVAL_STATUSES and (now or timezone.now()) >= request.expires_at:
        return ApprovalRequestStatus.EXPIRED
    return request.status


def approval_request_by_token(token: str) -> ApprovalRequest | None:
    """The request a link's token names, or None. Reads only: expiry is written by
    ``approval_requests_expire_due`` (a periodic task), never by opening a link."""
    return ApprovalRequest.objects.select_related("order").filter(token_hash=_token_hash(token)).first()


def approval_requests_expire_due() -> int:
    """Mark open requests past their expiry ``expired``, each with its event; returns how many."""
    due = ApprovalRequest.objects.filter(status__in=OPEN_APPROVAL_STATUSES, expires_at__lte=timezone.now())
    count = 0
    for request in due.select_related("order"):
        with transaction.atomic():
            if ApprovalRequest.objects.filter(pk=request.pk, status__in=OPEN_APPROVAL_STATUSES).update(
                    status=ApprovalRequestStatus.EXPIRED):
                _request_event(request, "expired", SYSTEM)
                count += 1
    return count


def approval_request_viewed(*, request: ApprovalRequest, ip: str | None, user_agent: str) -> None:
    """Record the first view (GET changes nothing else: mail scanners follow links)."""
    if request.viewed_at is not None or request.status != ApprovalRequestStatus.SENT:
        return
    updated = ApprovalRequest.objects.filter(pk=request.pk, viewed_at__isnull=True).update(
        viewed_at=timezone.now(), status=ApprovalRequestStatus.VIEWED)
    if updated:
        _request_event(request, "viewed", Actor(ActorType.CUSTOMER, request.email), ip=ip, user_agent=user_agent)


def approval_request_sign(
    *, request: ApprovalRequest, signature: str, consent: bool, ip: str, user_agent: str
) -> PortOrder:
    """The customer signs on the page: ESIGN consent, the approver's name, then the same approve service."""
    if not consent:
        raise ValidationFailed("Consent to sign electronically is required.", code="consent_required",
                               errors=[field_error("/consent", "Tick the box to consent to sign electronically.")])
    actor = Actor(ActorType.CUSTOMER, request.email)
    with transaction.atomic():
        request = ApprovalRequest.objects.select_for_update().select_related("order").get(pk=request.pk)
        if approval_request_effective_status(request) not in OPEN_APPROVAL_STATUSES:
            raise InvalidState("This signing link can no longer be used.")
        order = port_order_approve(order=request.order, signature=signature, ip=ip, user_agent=user_agent,
                                   actor=actor, approval_request=request)
        request.status, request.signed_at = ApprovalRequestStatus.SIGNED, timezone.now()
        request.signer_ip, request.signer_user_agent = ip, user_agent
        request.consent_version = ESIGN_CONSENT_VERSION
        request.save(update_fields=["status", "signed_at", "signer_ip", "signer_user_agent", "consent_version"])
        _request_event(request, "signed", actor, ip=ip, user_agent=user_agent, consent_version=ESIGN_CONSENT_VERSION)
    return order


def approval_request_decline(*, request: ApprovalRequest, reason: str, ip: str | None, user_agent: str) -> None:
    """The customer says "this isn't right": the order stays a draft and the requester is told."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("Tell us what is not right.", errors=[field_error("/reason", "This field is required.")])
    with transaction.atomic():
        request = ApprovalRequest.objects.select_for_update().select_related("order").get(pk=request.pk)
        if approval_request_effective_status(request) not in OPEN_APPROVAL_STATUSES:
            raise InvalidState("This signing link can no longer be used.")
        request.status, request.declined_at, request.decline_reason = (
            ApprovalRequestStatus.DECLINED, timezone.now(), reason[:2000])
        request.save(update_fields=["status", "declined_at", "decline_reason"])
        _request_event(request, "declined", Actor(ActorType.CUSTOMER, request.email), reason=reason[:2000],
                       ip=ip, user_agent=user_agent)
        request_id = request.pk
        transaction.on_commit(lambda: _enqueue_email("send_approval_declined_email", request_id))


def _enqueue_email(task_name: str, *args: str) -> None:
    from porting import tasks

    getattr(tasks, task_name).delay(*args)
