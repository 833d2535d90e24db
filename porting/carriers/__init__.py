"""Carrier gateways behind one interface, registered by dotted path (``PORTING_CARRIER``)."""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from porting.carriers.base import CarrierError, CarrierGateway, CarrierUpdate, NumberLookup

__all__ = ["CarrierError", "CarrierGateway", "CarrierUpdate", "NumberLookup", "carrier_for_mode"]

ALIASES = {
    "manual": "porting.carriers.manual.ManualCarrier",
    "sandbox": "porting.carriers.sandbox.SandboxCarrier",
}


@lru_cache(maxsize=8)
def _load(path: str) -> CarrierGateway:
    cls: type[CarrierGateway] = import_string(ALIASES.get(path, path))
    return cls()


def carrier_for_mode(livemode: bool) -> CarrierGateway:
    """The sandbox for test mode; the configured ``PORTING_CARRIER`` for live mode."""
    return _load(settings.PORTING_CARRIER) if livemode else _load("sandbox")
