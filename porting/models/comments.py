"""Notes on an order written on the porting desk."""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from porting.fields import TypeIDField
from porting.models.orders import PortOrder


class Comment(models.Model):
    """A staff note on an order (internal; never shown to API consumers)."""

    id = TypeIDField(prefix="cmt")
    order = models.ForeignKey(PortOrder, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="porting_comments")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.order_id}"
