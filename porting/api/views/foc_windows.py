"""GET /v1/port-orders/{id}/allowed-foc-windows: the FOC dates and hours the order may request, as of now."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from porting import rules
from porting.api import serializers as s
from porting.api.views.base import ACCOUNT_HEADER_PARAM, AccountScopedView, problems
from porting.foc import FocWindow


def foc_window_json(window: FocWindow) -> dict[str, str]:
    return {"date": window.date.isoformat(), "start_time": f"{window.start_time:%H:%M}",
            "end_time": f"{window.end_time:%H:%M}", "timezone": window.timezone}


class PortOrderAllowedFocWindowsView(AccountScopedView):
    @extend_schema(
        operation_id="list_allowed_foc_windows", parameters=[ACCOUNT_HEADER_PARAM],
        responses={200: s.FocWindowListOut, **problems(400, 401, 404, 429)},
        summary="List the FOC dates and hours the order may request now.",
        description="Every requestable FOC date as of now (business days from the 5th to day 30, counted in "
                    "America/New_York, US federal holidays skipped), each with the hours its losing carrier "
                    "accepts (08:00 to 20:00 Eastern, or narrower). Create, update, approve and submit accept "
                    "exactly these; answered in every status.",
    )
    def get(self, request: Request, order_id: str) -> Response:
        windows = rules.order_foc_windows(self.get_order(order_id))
        return Response({"data": [foc_window_json(w) for w in windows]})
