"""A tiny threaded HTTP server for a site held in memory (the demo and the tests use it).

Pages can be replaced while it runs, a path can be given a queue of scripted responses
(a 429 with Retry-After, then a 500, then the page), ETag / If-None-Match answers 304, and every
request is logged so that callers can see what a crawl fetched.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass
class Page:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    #: send an ETag and answer If-None-Match with 304
    etag: bool = True
    #: seconds to wait before answering (a slow server)
    delay: float = 0.0


@dataclass(frozen=True)
class LoggedRequest:
    path: str
    headers: dict[str, str]
    status: int


class LocalHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server for local sites that a crawler hits with a burst of connections.

    socketserver listens with a backlog of 5: a crawler that opens 16 connections at once had
    the others' SYNs dropped and retried by TCP a second later."""

    request_queue_size = 128
    daemon_threads = True


class SiteServer:
    """Serve ``pages`` (path -> Page) on 127.0.0.1:<random port> from a background thread."""

    def __init__(self, pages: dict[str, Page] | None = None) -> None:
        self.pages: dict[str, Page] = dict(pages or {})
        self.scripted: dict[str, deque[Page]] = {}
        self.log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._httpd = LocalHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def set(self, path: str, page: Page) -> None:
        with self._lock:
            self.pages[path] = page

    def script(self, path: str, *responses: Page) -> None:
        """Answer the next requests for ``path`` with ``responses``, then with the page."""
        with self._lock:
            self.scripted.setdefault(path, deque()).extend(responses)

    def requests_for(self, path: str) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.log if r.path == path]

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _respond(
        self, path: str, request_headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            queue = self.scripted.get(path)
            page = queue.popleft() if queue else self.pages.get(path)
        if page is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        if page.delay:
            time.sleep(page.delay)
        headers = {"Content-Type": page.content_type, **page.headers}
        if page.etag and page.status == 200:
            etag = '"' + hashlib.sha256(page.body).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            if request_headers.get("if-none-match") == etag:
                return 304, {"ETag": etag}, b""
        return page.status, headers, page.body

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("#", 1)[0]
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, response_headers, body = server._respond(path, headers)
                with server._lock:
                    server.log.append(LoggedRequest(path=path, headers=headers, status=status))
                self.send_response(status)
                for name, value in response_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
