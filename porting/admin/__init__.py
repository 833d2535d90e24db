"""The porting desk in the Django admin: the site (site.py, ``desk_site``), the order queue and page
(orders.py, filters.py), the order's desk views (order_views.py) and forms (forms.py), tenants and
keys (tenancy.py), webhook endpoints (webhooks.py), and the audit trail (audit.py). Every change goes
through ``porting.services``.

Importing this package registers the model admins on ``desk_site``.
"""
from __future__ import annotations

from porting.admin import audit, orders, tenancy, webhooks
from porting.admin.site import desk_site

__all__ = ["audit", "desk_site", "orders", "tenancy", "webhooks"]
