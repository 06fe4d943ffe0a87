"""The link checker against a real HTTP server on 127.0.0.1 (a free port): 200, 404, 500, a server refusing HEAD,
a server that does not answer in time, and the bound on the number of links."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from gongkai.supervision import links


class Handler(BaseHTTPRequestHandler):
    seen: list = []

    def _answer(self, with_body):
        Handler.seen.append((self.command, self.path))
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/get-only" and self.command == "HEAD":
            self.send_response(405)
            self.end_headers()
            return
        code = {"/missing": 404, "/error": 500}.get(self.path, 200)
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        body = "<p>错误</p>".encode() if code != 200 else b"ok"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_HEAD(self):  # noqa: N802
        self._answer(False)

    def do_GET(self):  # noqa: N802
        self._answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    Handler.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def item(pk, body):
    return SimpleNamespace(pk=pk, title=f"信息{pk}", body=body)


def test_links_are_read_from_href_and_src():
    assert links.extract_links('<a href="/a">a</a><img src="b.png"><a>none</a>') == ["/a", "b.png"]


def test_only_links_to_the_site_are_checked(site):
    assert links.on_site("/a#top", site) == site + "a"
    assert links.on_site("https://www.gov.cn/", site) is None
    assert links.on_site("mailto:x@y.cn", site) is None
    assert links.on_site("/a", "") is None


def test_a_broken_link_is_found_and_a_good_one_is_not(site):
    broken, checked = links.check_items(
        [item(1, '<a href="/ok">好</a><a href="/missing">坏</a><a href="/error">错</a>')], base_url=site
    )
    assert checked == 3
    assert [(b.disclosure_id, b.url, b.reason) for b in broken] == [
        (1, site + "missing", "HTTP 404"),
        (1, site + "error", "HTTP 500"),
    ]


def test_a_server_refusing_head_is_asked_with_get(site):
    broken, _ = links.check_items([item(1, '<a href="/get-only">x</a>')], base_url=site)
    assert broken == []
    assert ("GET", "/get-only") in Handler.seen


def test_a_link_that_does_not_answer_in_time_is_broken(site):
    broken, _ = links.check_items([item(1, '<a href="/slow">x</a>')], base_url=site, timeout=0.3)
    assert len(broken) == 1 and broken[0].reason.startswith("无法访问")


def test_the_number_of_links_checked_is_bounded(site):
    body = "".join(f'<a href="/page{n}">{n}</a>' for n in range(10))
    _, checked = links.check_items([item(1, body), item(2, body)], base_url=site, limit=4)
    assert checked == 4
    assert len({path for _method, path in Handler.seen}) == 4


def test_the_same_link_in_two_items_is_checked_once_and_reported_for_both(site):
    broken, checked = links.check_items(
        [item(1, '<a href="/missing">x</a>'), item(2, '<a href="/missing">y</a>')], base_url=site
    )
    assert checked == 1 and [b.disclosure_id for b in broken] == [1, 2]
