"""The local site server of the demo and the tests takes a crawler's burst of connections.

socketserver listens with a backlog of 5; a crawler that opens 16 connections at once had
the others' SYNs dropped, and TCP sent them again only a second later: a second added to
every small crawl, in the demo, the tests and the benchmarks alike.
"""

from __future__ import annotations

import socket

from newswatch.demo.server import SiteServer

#: Scrapy's default CONCURRENT_REQUESTS
BURST = 16


def test_a_burst_of_connections_is_queued_while_the_server_is_busy() -> None:
    server = SiteServer({})  # listening, but not accepting yet: as busy as a server gets
    connections: list[socket.socket] = []
    try:
        for _ in range(BURST):
            connections.append(socket.create_connection(("127.0.0.1", server.port), timeout=0.5))
        assert len(connections) == BURST
    finally:
        for connection in connections:
            connection.close()
        server._httpd.server_close()
