"""The carrier gateway interface every adapter implements."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from porting.foc import FocWindow
from porting.phone import ParsedNumber

if TYPE_CHECKING:
    from porting.models import PortOrder


class CarrierError(Exception):
    """A carrier call failed. ``permanent=False`` means retrying later may succeed."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@dataclass(frozen=True)
class NumberLookup:
    """What the carrier knows about one number."""

    phone_number: str
    portable: bool
    number_type: str = "local"
    losing_carrier_name: str = ""
    losing_carrier_spid: str = ""
    is_wireless: bool | None = None
    rate_center: str = ""
    city: str = ""
    state: str = ""
    reason: str = ""

    @property
    def account_number_required(self) -> bool:
        return bool(self.is_wireless)


@dataclass(frozen=True)
class CarrierUpdate:
    """News from the carrier about a submitted order."""

    kind: str  # "foc" | "exception" | "complete"
    foc_date: dt.date | None = None
    foc_time: dt.time | None = None
    code: str = ""
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class CarrierGateway:
    """Base class of carrier adapters. ``name`` identifies the carrier in events."""

    name = "carrier"
    refresh_seconds: int | None = None  # None: settings.PORTING_REFRESH_SECONDS

    def lookup(self, numbers: list[ParsedNumber]) -> list[NumberLookup]:
        raise NotImplementedError

    def submit(self, order: PortOrder) -> None:
        raise NotImplementedError

    def poll(self, order: PortOrder) -> CarrierUpdate | None:
        raise NotImplementedError

    def cancel(self, order: PortOrder) -> None:
        raise NotImplementedError

    def narrow_foc_window(self, window: FocWindow, *, losing_carrier_spid: str) -> FocWindow:
        """The hours this carrier takes a port from ``losing_carrier_spid`` on ``window.date``: the
        standard ``window`` it is given, or a narrower one (never wider). The allowed-FOC-windows list
        and FOC validation both ask here, so they cannot disagree."""
        return window

    def required_documents(self, order: PortOrder) -> list[str]:
        """The supporting documents (``DocumentType`` values, e.g. ``"invoice"``) this carrier needs with
        ``order`` before it is submitted. The order shows them as ``requirements``; submit answers 422
        ``documents_required`` while one is missing. None by default."""
        return []
