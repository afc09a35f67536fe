"""JSON responses (UUIDs, timestamps and decimals included) and error bodies."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from starlette.responses import Response

NO_STORE = {"Cache-Control": "no-store"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(data: Any) -> str:
    """Compact JSON of `data`."""
    return json.dumps(data, default=_jsonable, ensure_ascii=False, separators=(",", ":"))


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response."""
    return Response(dumps(data), status_code=status, headers=headers, media_type="application/json")


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """`{"error": message}` with `status`."""
    return json_response({"error": message}, status=status, headers=headers)
