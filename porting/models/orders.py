"""Port orders and their numbers.

The port-order lifecycle (DESIGN §4) lives here, as django-fsm-2 transitions on a protected
status field. Transitions only change fields; they are called from ``porting.services`` alone,
which also writes the audit event and schedules side effects after commit.
"""
from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from porting.fields import EncryptedTextField, TypeIDField
from porting.models.tenancy import Account


class PortStatus(models.TextChoices):
    DRAFT = "draft"
    APPROVED = "approved"
    SUBMITTED = "submitted"
    EXCEPTION = "exception"
    FOC = "foc"
    COMPLETE = "complete"
    CANCELLED = "cancelled"


# States in which the order is at the carrier and a poll can bring news.
AT_CARRIER_STATUSES = frozenset({PortStatus.SUBMITTED, PortStatus.FOC})
# States in which the order has ended: its numbers are free for another order.
ENDED_STATUSES = frozenset({PortStatus.COMPLETE, PortStatus.CANCELLED})
CANCELLABLE_STATUSES = [
    PortStatus.DRAFT,
    PortStatus.APPROVED,
    PortStatus.SUBMITTED,
    PortStatus.EXCEPTION,
    PortStatus.FOC,
]


class NumberType(models.TextChoices):
    LOCAL = "local"
    TOLL_FREE = "toll_free"


# Transition conditions (django-fsm-2 types them as taking any model).
def _awaits_approval(order: models.Model) -> bool:
    return isinstance(order, PortOrder) and order.awaits_approval()


def _has_approval(order: models.Model) -> bool:
    return isinstance(order, PortOrder) and order.has_approval()


class PortOrder(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One port-in request: numbers from one losing-carrier account, with the subscriber's details."""

    id = TypeIDField(prefix="port")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="port_orders")
    livemode = models.BooleanField(default=False)
    status = FSMField(default=PortStatus.DRAFT, choices=PortStatus.choices, protected=True, db_index=True)

    btn = models.CharField("billing telephone number", max_length=20, blank=True)
    business_name = models.CharField(max_length=255, blank=True)
    approver_name = models.CharField(max_length=100, blank=True)
    account_number = EncryptedTextField(null=True, blank=True)
    pin = EncryptedTextField(null=True, blank=True)
    address_house_number = models.CharField(max_length=20, blank=True)
    address_street_name = models.CharField(max_length=100, blank=True)
    address_city = models.CharField(max_length=64, blank=True)
    address_state = models.CharField(max_length=2, blank=True)
    address_zip = models.CharField(max_length=10, blank=True)
    requested_foc_date = models.DateField(null=True, blank=True)
    requested_foc_time = models.TimeField(null=True, blank=True)
    # The integrator's word on the losing carrier (API ``losing_carrier_name``), for the desk to confirm on
    # the numbers; not on the LOA until then.
    losing_carrier_hint = models.CharField("losing carrier (the integrator's word)", max_length=100, blank=True)
    # The integrator's own references (#12): never on the LOA, so changing them never clears an approval.
    customer_reference = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    # The desk asked the integrator for something in a public comment; cleared when the integrator comments
    # or updates the order.
    action_required = models.BooleanField(default=False)

    approval_signature = models.CharField(max_length=100, blank=True)
    approval_ip = models.GenericIPAddressField(null=True, blank=True)
    approval_user_agent = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    rejection_code = models.CharField(max_length=64, blank=True)
    rejection_message = models.TextField(blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)

    foc_date = models.DateField(null=True, blank=True)
    foc_time = models.TimeField(null=True, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    carrier_polled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        permissions = [
            ("work_portorder", "Can work port orders (transitions, comments)"),
            ("reveal_portorder_secrets", "Can reveal the PIN and account number"),
        ]
        indexes = [
            models.Index(fields=["account", "livemode", "-id"], name="order_account_feed"),
            models.Index(fields=["account", "livemode", "status", "-id"], name="order_account_status_feed"),
            models.Index(fields=["account", "livemode", "customer_reference"], name="order_customer_reference"),
            models.Index(fields=["status", "carrier_polled_at"], name="order_open_poll"),
        ]

    def __str__(self) -> str:
        return self.id

    # --- transitions: field changes only ---------------------------------
    def awaits_approval(self) -> bool:
        """A draft, or a rejected order whose correction cleared the approval (DESIGN §4)."""
        return self.status == PortStatus.DRAFT or (self.status == PortStatus.EXCEPTION and self.approved_at is None)

    def has_approval(self) -> bool:
        return self.approved_at is not None

    @transition(field=status, source=[PortStatus.DRAFT, PortStatus.EXCEPTION], target=PortStatus.APPROVED,
                conditions=[_awaits_approval])
    def approve(self, *, signature: str, ip: str, user_agent: str, at: dt.datetime) -> None:
        self.approval_signature = signature
        self.approval_ip = ip
        self.approval_user_agent = user_agent
        self.approved_at = at

    # An approved order returns to draft; a rejected one stays in exception, its rejection visible.
    @transition(field=status, source=[PortStatus.APPROVED, PortStatus.EXCEPTION],
                target=GET_STATE(lambda self: PortStatus.DRAFT if self.status == PortStatus.APPROVED
                                 else PortStatus.EXCEPTION, states=[PortStatus.DRAFT, PortStatus.EXCEPTION]),
                conditions=[_has_approval])
    def clear_approval(self) -> None:
        self.approval_signature = ""
        self.approval_ip = None
        self.approval_user_agent = ""
        self.approved_at = None

    @transition(field=status, source=[PortStatus.APPROVED, PortStatus.EXCEPTION], target=PortStatus.SUBMITTED,
                conditions=[_has_approval])
    def submit(self, *, at: dt.datetime) -> None:
        self.submitted_at = at
        self.rejection_code = ""
        self.rejection_message = ""
        self.rejected_at = None

    @transition(field=status, source=[PortStatus.SUBMITTED, PortStatus.FOC], target=PortStatus.FOC)
    def confirm_foc(self, *, date: dt.date, time: dt.time | None) -> None:
        self.foc_date = date
        self.foc_time = time

    @transition(field=status, source=[PortStatus.SUBMITTED, PortStatus.FOC], target=PortStatus.EXCEPTION)
    def reject(self, *, code: str, message: str, at: dt.datetime) -> None:
        self.rejection_code = code
        self.rejection_message = message
        self.rejected_at = at
        self.foc_date = None
        self.foc_time = None

    @transition(field=status, source=PortStatus.FOC, target=PortStatus.COMPLETE)
    def complete(self, *, at: dt.datetime) -> None:
        self.completed_at = at
        self._purge_secrets()

    @transition(field=status, source=CANCELLABLE_STATUSES, target=PortStatus.CANCELLED)
    def cancel(self, *, at: dt.datetime) -> None:
        self.cancelled_at = at
        self._purge_secrets()

    def _purge_secrets(self) -> None:
        # PIN and account number are only needed until the port ends (DESIGN §4).
        self.pin = None
        self.account_number = None


class PortOrderNumber(models.Model):
    """A telephone number on a port order, with what the carrier lookup said about it."""

    order = models.ForeignKey(PortOrder, on_delete=models.CASCADE, related_name="numbers")
    position = models.PositiveIntegerField(default=0)
    phone_number = models.CharField(max_length=20, db_index=True)
    number_type = models.CharField(max_length=16, choices=NumberType.choices, default=NumberType.LOCAL)
    losing_carrier_name = models.CharField(max_length=100, blank=True)
    losing_carrier_spid = models.CharField(max_length=8, blank=True)
    is_wireless = models.BooleanField(null=True)
    # Copies of the order's mode and "not ended", so the database itself keeps a number in at most one
    # open order per mode (DESIGN §4): parallel creates cannot both win.
    livemode = models.BooleanField(default=False)
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "phone_number"], name="number_once_per_order"),
            models.UniqueConstraint(
                fields=["phone_number", "livemode"], condition=models.Q(is_open=True), name="number_in_one_open_order"
            ),
        ]

    def __str__(self) -> str:
        return self.phone_number
