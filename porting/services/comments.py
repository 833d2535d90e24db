"""Notes on an order: internal staff notes written on the desk."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from porting.errors import ValidationFailed, field_error
from porting.models import Comment, PortOrder
from porting.permissions import WORK_PERMISSION
from porting.services.audit import record_event
from porting.services.desk import require_permission, staff_actor


def port_order_comment(*, order: PortOrder, user: User, body: str) -> Comment:
    """An internal staff note on the order, shown in its timeline."""
    require_permission(user, WORK_PERMISSION)
    body = body.strip()
    if not body:
        raise ValidationFailed("A comment needs some text.", errors=[field_error("/body", "This field is required.")])
    with transaction.atomic():
        comment = Comment.objects.create(order=order, author=user, body=body)
        record_event(order, "comment.created", staff_actor(user), data={"comment_id": comment.pk, "internal": True})
    return comment
