"""A local test site that misbehaves on purpose: stalls, drips, resets, lies about lengths.

:class:`HostileSite` is the tests' :class:`~newswatch.demo.server.SiteServer` (pages, scripted
answers, request log) plus *behaviours*: functions that write the raw answer for a path
themselves, byte by byte if they like. Everything listens on 127.0.0.1 only, every wait is
bounded and ends when the site stops, so a test can never hang on its own server.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import struct
import sys
import threading
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from newswatch.demo.server import LoggedRequest, SiteServer

#: A behaviour writes the whole answer to ``handler.wfile`` (status line, headers, body).
Behaviour = Callable[[BaseHTTPRequestHandler, threading.Event], None]

#: Stalling and dripping behaviours give up after this long even if nobody stops them.
MAX_WAIT_SECONDS = 30.0


class HostileSite(SiteServer):
    """A :class:`SiteServer` whose paths can be given a misbehaving :data:`Behaviour`."""

    def __init__(self) -> None:
        self.behaviours: dict[str, Behaviour] = {}
        self.stopping = threading.Event()
        super().__init__()
        self._httpd.handle_error = _quiet_about_hang_ups  # type: ignore[method-assign]

    def misbehave(self, path: str, behaviour: Behaviour) -> None:
        with self._lock:
            self.behaviours[path] = behaviour

    def stop(self) -> None:
        self.stopping.set()
        super().stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        base = super()._handler()
        site = self

        class Handler(base):  # type: ignore[valid-type,misc]
            def do_GET(self) -> None:
                path = self.path.split("#", 1)[0]
                with site._lock:
                    behaviour = site.behaviours.get(path)
                if behaviour is None:
                    super().do_GET()
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                with site._lock:
                    site.log.append(LoggedRequest(path=path, headers=headers, status=0))
                self.close_connection = True
                # the crawler hanging up (timeout, size limit) is the point of most behaviours
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    behaviour(self, site.stopping)

        return Handler


def _quiet_about_hang_ups(request: object, client_address: object) -> None:
    """The crawler hanging up (timeouts, size limits, kills) is expected here; report the rest."""
    error = sys.exc_info()[1]
    if not isinstance(error, ConnectionError):
        traceback.print_exc()


def _head(
    handler: BaseHTTPRequestHandler,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    lines = [f"HTTP/1.1 {status} {'OK' if status == 200 else 'Status'}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    handler.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    handler.wfile.flush()


HTML = {"Content-Type": "text/html; charset=utf-8"}


def stall() -> Behaviour:
    """Accept the request and never answer (until the site stops)."""

    def behave(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        stopping.wait(MAX_WAIT_SECONDS)

    return behave


def drip(body: bytes, *, interval: float) -> Behaviour:
    """Send the headers at once, then the body one byte every ``interval`` seconds."""

    def behave(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        _head(handler, 200, {**HTML, "Content-Length": str(len(body))})
        for index in range(len(body)):
            if stopping.wait(interval):
                return
            handler.wfile.write(body[index : index + 1])
            handler.wfile.flush()

    return behave


def reset_after(body: bytes, sent: int) -> Behaviour:
    """Promise all of ``body``, send ``sent`` bytes of it, then reset the connection (RST)."""

    def behave(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        _head(handler, 200, {**HTML, "Content-Length": str(len(body))})
        handler.wfile.write(body[:sent])
        handler.wfile.flush()
        # SO_LINGER with a zero timeout: close() sends RST instead of FIN
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()

    return behave


def declared_length(body: bytes, length: int) -> Behaviour:
    """Send ``body`` with a Content-Length of ``length`` (shorter or longer), then close."""

    def behave(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        _head(handler, 200, {**HTML, "Content-Length": str(length), "Connection": "close"})
        handler.wfile.write(body)
        handler.wfile.flush()

    return behave


def truncated_gzip(
    body: bytes, *, keep: float = 0.5, content_type: str = HTML["Content-Type"]
) -> Behaviour:
    """``Content-Encoding: gzip`` whose compressed stream is cut off after ``keep`` of it."""
    packed = gzip.compress(body)
    cut = packed[: max(int(len(packed) * keep), 12)]

    def behave(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        _head(
            handler,
            200,
            {
                "Content-Type": content_type,
                "Content-Encoding": "gzip",
                "Content-Length": str(len(cut)),
            },
        )
        handler.wfile.write(cut)
        handler.wfile.flush()

    return behave


def endless(
    *,
    total: int,
    content_type: str = HTML["Content-Type"],
    declare_length: bool = True,
    chunk: bytes = b"<div><p>" + b"Endlos lange Seite. " * 200 + b"</p></div>\n",
) -> Behaviour:
    """A page of ``total`` bytes generated on the fly (never held in memory), with or without
    a Content-Length (without: the end is the closed connection)."""

    def behave(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        headers = {"Content-Type": content_type, "Connection": "close"}
        if declare_length:
            headers["Content-Length"] = str(total)
        _head(handler, 200, headers)
        sent = 0
        while sent < total and not stopping.is_set():
            piece = chunk[: total - sent]
            handler.wfile.write(piece)
            sent += len(piece)

    return behave
