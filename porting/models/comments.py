"""Comments on an order: the conversation between the integrator and the porting desk, and the desk's
internal notes."""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from porting.fields import TypeIDField
from porting.models.orders import PortOrder

COMMENT_MAX_CHARS = 5000


class CommentAuthorType(models.TextChoices):
    API_KEY = "api_key"
    STAFF = "staff"
    SYSTEM = "system"


class Comment(models.Model):
    """A public comment (the integrator's or the desk's, shown in the API) or an internal staff note
    (``public`` false: desk-only, never in the API, the events feed or webhooks)."""

    id = TypeIDField(prefix="cmt")
    order = models.ForeignKey(PortOrder, on_delete=models.CASCADE, related_name="comments")
    public = models.BooleanField(default=False)
    author_type = models.CharField(max_length=16, choices=CommentAuthorType.choices, default=CommentAuthorType.STAFF)
    author_name = models.CharField(max_length=150, blank=True)  # as shown to the integrator
    author = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="porting_comments", null=True,
                               blank=True)
    api_key = models.ForeignKey("porting.ApiKey", on_delete=models.PROTECT, related_name="comments", null=True,
                                blank=True)
    body = models.TextField()
    action_required = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["order", "public", "-id"], name="comment_order_public")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.order_id}"
