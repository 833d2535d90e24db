"""Compiled hot-path queries give exactly what the ORM gives, and refuse unsafe parameters."""
from __future__ import annotations

import pytest

from porting.compiled import CompiledQuery
from porting.models import PortOrder


def test_it_returns_the_same_objects_as_the_orm(api):
    order = api.create()
    query = CompiledQuery(
        PortOrder, lambda variant, *, order_id: PortOrder.objects.filter(pk=order_id, livemode=variant), ("order_id",)
    )
    [found] = query.fetch(False, order_id=order["id"])
    expected = PortOrder.objects.get(pk=order["id"])
    assert [getattr(found, f.attname) for f in PortOrder._meta.concrete_fields] == [
        getattr(expected, f.attname) for f in PortOrder._meta.concrete_fields
    ]
    assert found.pin == "1234"  # converters ran (decrypted)
    assert query.fetch(True, order_id=order["id"]) == []  # the variant is part of the SQL
    assert query.fetch(False, order_id="port_01h2xcejqtf2nbrexx3vqjhp41") == []


def test_it_refuses_a_parameter_that_is_not_a_whole_value(db):
    query = CompiledQuery(PortOrder, lambda variant, *, name: PortOrder.objects.filter(business_name__contains=name),
                          ("name",))
    with pytest.raises(ValueError):
        query.fetch(name="Smith")
