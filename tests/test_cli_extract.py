"""`newswatch extract`: JSON lines for files, directories and explicitly given URLs."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from newswatch.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "ippen_layout.html"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["extract", *args])
    return result.exit_code, result.stdout, result.stderr


def test_single_file_prints_one_json_line_with_the_file_name() -> None:
    code, out, _ = _run(str(FIXTURE), "--url", "https://www.musterstadt-rundschau.de/a.html")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["file"] == "ippen_layout.html"
    assert record["url"] == "https://www.musterstadt-rundschau.de/a.html"
    assert record["body"].startswith("Berlin - Bereits am Dienstag")
    assert record["published_at"] == "2025-01-22T13:35:00+00:00"
    assert record["published_offset_minutes"] == 60
    assert record["published_local"] == "2025-01-22T14:35:00+01:00"
    assert record["word_count"] > 100


def test_directory_gives_one_line_per_page_in_sorted_order(tmp_path: Path) -> None:
    html = FIXTURE.read_bytes()
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(html))
    (tmp_path / "a.html").write_bytes(html)
    (tmp_path / "notes.txt").write_text("not a page")
    code, out, _ = _run(str(tmp_path))
    assert code == 0
    assert [json.loads(line)["file"] for line in out.strip().splitlines()] == [
        "a.html", "b.html.gz",
    ]


def test_unreadable_file_in_a_directory_is_skipped_and_reported(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(FIXTURE.read_bytes())
    (tmp_path / "broken.html.gz").write_bytes(b"not gzip at all")
    code, out, err = _run(str(tmp_path))
    assert code == 1
    assert len(out.strip().splitlines()) == 1
    assert "skipped" in err and "broken.html.gz" in err
    assert "1 of 2 file(s) could not be read" in err


def test_missing_path_is_one_clear_error() -> None:
    code, out, err = _run("/no/such/page.html")
    assert code != 0
    assert out == ""
    assert "no such file or directory" in err
    assert "Traceback" not in err


def test_pretty_output_is_indented_json() -> None:
    code, out, _ = _run(str(FIXTURE), "--pretty")
    assert code == 0
    assert json.loads(out)["title"].startswith("Rechenzentren")
    assert out.startswith("{\n")


class _PageHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = FIXTURE.read_text(encoding="utf-8").encode("cp1252", "replace")
        self.send_response(200)
        # deliberately mislabelled: windows-1252 bytes announced as UTF-8
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def page_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _PageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/wirtschaft/rechenzentren.html"
    finally:
        server.shutdown()
        server.server_close()


def test_url_is_fetched_when_given_explicitly(page_server: str) -> None:
    code, out, _ = _run(page_server)
    assert code == 0
    record = json.loads(out)
    assert record["file"] == page_server
    assert record["title"] == "Rechenzentren: Bund plant Milliardenprogramm – Länder uneins"
    assert "Bundesländern stößt das Vorhaben" in record["body"]


def test_unreachable_url_is_one_clear_error() -> None:
    code, _, err = _run("http://127.0.0.1:9/nothing.html")
    assert code != 0
    assert "cannot fetch" in err
