"""PIN and account number are encrypted at rest, readable after key rotation."""
from __future__ import annotations

from cryptography.fernet import Fernet
from django.db import connection

from porting.fields import field_cipher
from porting.models import PortOrder


def raw_columns(order_id: str) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pin, account_number FROM porting_portorder WHERE id = %s", [order_id])
        return cursor.fetchone()


def test_the_pin_and_account_number_are_not_stored_in_plain_text(api):
    order = api.create()
    pin, account_number = raw_columns(order["id"])
    assert "1234" not in pin and "123456789" not in account_number
    assert field_cipher().decrypt(pin.encode()) == b"1234"


def test_old_values_stay_readable_after_a_key_rotation(api, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    order = api.create()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert PortOrder.objects.get(pk=order["id"]).pin == "1234"
    api.post(f"/v1/port-orders/{order['id']}", {"subscriber": {"pin": "5678"}})
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert PortOrder.objects.get(pk=order["id"]).pin == "5678"
