"""JSON instead of pickle for the requests in the shared frontier (``SCHEDULER_SERIALIZER``).

scrapy-redis pickles ``Request.to_dict()`` by default; unpickling what another machine wrote
into Redis would run any code that machine (or anyone who can write to Redis) put there. This
module is a drop-in ``loads``/``dumps`` pair that writes plain JSON instead. ``to_dict()`` holds
bytes (headers, body) and bytes-keyed dicts (headers), which JSON cannot express; they are
tagged: ``{"$bytes": "<base64>"}`` and ``{"$pairs": [[key, value], ...]}``. Only plain
:class:`scrapy.Request` objects are accepted back (no ``_class`` to import).
"""

from __future__ import annotations

import base64
import json
from typing import Any

_BYTES = "$bytes"
_PAIRS = "$pairs"


def dumps(request_dict: dict[str, Any]) -> bytes:
    """``Request.to_dict()`` -> JSON bytes."""
    if "_class" in request_dict:
        raise TypeError(f"only plain Requests go into the frontier, not {request_dict['_class']}")
    return json.dumps(_encode(request_dict), separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    """JSON bytes from :func:`dumps` -> a dict for ``request_from_dict``."""
    decoded = _decode(json.loads(data))
    if not isinstance(decoded, dict) or "url" not in decoded or "_class" in decoded:
        raise ValueError("not a request written by newswatch's frontier serializer")
    return decoded


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _encode(item) for key, item in value.items()}
        return {_PAIRS: [[_encode(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot put a {type(value).__name__} into the frontier: {value!r}")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_BYTES}:
            return base64.b64decode(value[_BYTES])
        if set(value) == {_PAIRS}:
            return {_decode(key): _decode(item) for key, item in value[_PAIRS]}
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value
