"""Comments on an order: the integrator and the porting desk talk about one order in public comments;
the desk also keeps internal notes that never leave it."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from porting.errors import ValidationFailed, field_error
from porting.models import COMMENT_MAX_CHARS, ApiKey, Comment, CommentAuthorType, PortOrder
from porting.permissions import WORK_PERMISSION
from porting.services.audit import Actor, lock_order, record_event
from porting.services.desk import require_permission, staff_actor

DESK_NAME = "Porting desk"


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationFailed("A comment needs some text.", errors=[field_error("/body", "This field is required.")])
    if len(body) > COMMENT_MAX_CHARS:
        raise ValidationFailed(f"A comment has at most {COMMENT_MAX_CHARS:,} characters.",
                               errors=[field_error("/body", f"Ensure this field has no more than "
                                                            f"{COMMENT_MAX_CHARS} characters.")])
    return body


def _event_data(comment: Comment) -> dict[str, object]:
    if not comment.public:
        return {"comment_id": comment.pk, "internal": True}
    return {"comment_id": comment.pk, "public": True, "body": comment.body,
            "author": {"type": comment.author_type, "name": comment.author_name},
            "action_required": comment.action_required}


def port_order_comment(
    *, order: PortOrder, user: User, body: str, public: bool = False, action_required: bool = False,
) -> Comment:
    """A staff member's comment: an internal note (default; desk-only), or a public comment the integrator
    sees, which may ask them for something (the order then shows ``action_required`` until they comment
    or update the order)."""
    require_permission(user, WORK_PERMISSION)
    body = _clean_body(body)
    if action_required and not public:
        raise ValidationFailed("Only a public comment can ask the integrator for an action.")
    with transaction.atomic():
        order = lock_order(order)
        comment = Comment.objects.create(
            order=order, public=public, author_type=CommentAuthorType.STAFF, author=user,
            author_name=(user.get_full_name() or DESK_NAME) if public else user.get_username(),
            body=body, action_required=action_required,
        )
        if action_required and not order.action_required:
            PortOrder.objects.filter(pk=order.pk).update(action_required=True)
        record_event(order, "comment.created", staff_actor(user), data=_event_data(comment))
    return comment


def port_order_comment_from_api(*, order: PortOrder, api_key: ApiKey, actor: Actor, body: str) -> Comment:
    """The integrator's comment to the porting desk: public, and it answers an "action required"."""
    body = _clean_body(body)
    with transaction.atomic():
        order = lock_order(order)
        comment = Comment.objects.create(
            order=order, public=True, author_type=CommentAuthorType.API_KEY, api_key=api_key,
            author_name=api_key.name or api_key.prefix, body=body,
        )
        if order.action_required:
            PortOrder.objects.filter(pk=order.pk).update(action_required=False)
        record_event(order, "comment.created", actor, data=_event_data(comment))
    return comment
