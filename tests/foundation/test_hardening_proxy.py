"""Issue 10: the nginx configuration documented in docs/deployment.md, in front of a live Gongkai.

Slow uploads tied up the sync workers; with the documented configuration nginx holds a slow body until it is
complete, refuses an oversized one with 413 before reading it, and replaces a forged X-Forwarded-For.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

import gongkai.urls

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (scripts/system-packages installs it)"
)

ARRIVED = threading.Event()


@csrf_exempt
def upload_probe(request):
    """Marks the moment the request reaches Django (before its body is read), then reads the body."""
    ARRIVED.set()
    body = request.body
    return JsonResponse(
        {"length": len(body), "forwarded_for": request.META.get("HTTP_X_FORWARDED_FOR", "")},
    )


urlpatterns = [path("probe/upload/", upload_probe), path("", include(gongkai.urls))]


def documented_config() -> str:
    """The nginx block between the markers of docs/deployment.md."""
    text = DOCS.read_text()
    block = text.split("<!-- nginx: begin -->", 1)[1].split("<!-- nginx: end -->", 1)[0]
    return block.split("```nginx", 1)[1].rsplit("```", 1)[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def render(config: str, *, listen_port: int, upstream: str, root: Path) -> str:
    """The documented server on a local port without TLS, proxying to the test server."""
    config = re.sub(r"server 127\.0\.0\.1:8000;", f"server {upstream};", config)
    config = re.sub(r"listen 443 ssl;", f"listen 127.0.0.1:{listen_port};", config)
    config = re.sub(r"^\s*ssl_\w+\s+[^;]+;.*$", "", config, flags=re.MULTILINE)
    config = config.replace("/srv/gongkai/static/", f"{root}/static/")
    assert "ssl" not in config and f"server {upstream};" in config
    temp = {name: root / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir()
        folder.chmod(0o777)  # nginx's workers run as an unprivileged user
    return f"""
daemon off;
master_process on;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
{config}
}}
"""


@pytest.fixture
def nginx(live_server, tmp_path):
    root = tmp_path / "nginx"
    root.mkdir()
    root.chmod(0o755)
    tmp_path.chmod(0o755)
    port = free_port()
    upstream = live_server.url.removeprefix("http://")
    conf = root / "nginx.conf"
    conf.write_text(render(documented_config(), listen_port=port, upstream=upstream, root=root))
    check = subprocess.run([NGINX, "-t", "-p", str(root), "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-p", str(root), "-c", str(conf)], stderr=subprocess.PIPE)
    for _ in range(100):  # wait until nginx listens
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("nginx did not start: " + (root / "error.log").read_text())
    yield port
    process.terminate()
    process.wait(timeout=10)


def read_response(sock) -> tuple[int, bytes]:
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, response.read()


@pytest.mark.urls(__name__)
def test_a_slow_upload_reaches_django_only_when_its_body_is_complete(nginx):
    ARRIVED.clear()
    body = b"x" * 40
    with socket.create_connection(("127.0.0.1", nginx), timeout=30) as sock:
        sock.sendall(
            b"POST /probe/upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        )
        for byte in body[:-1]:  # a slow client: one byte at a time
            sock.sendall(bytes([byte]))
            time.sleep(0.01)
        # Give an unbuffered proxy every chance to have passed the request on by now.
        assert not ARRIVED.wait(timeout=1.0), "the request reached Django before its body was complete"
        sock.sendall(body[-1:])
        status, content = read_response(sock)
    assert status == 200
    assert ARRIVED.is_set()
    assert b'"length": 40' in content


@pytest.mark.urls(__name__)
def test_an_oversized_upload_is_refused_with_413_before_it_is_read(nginx):
    ARRIVED.clear()
    connection = http.client.HTTPConnection("127.0.0.1", nginx, timeout=30)
    connection.putrequest("POST", "/probe/upload/")
    connection.putheader("Content-Type", "application/octet-stream")
    connection.putheader("Content-Length", str(22 * 1024 * 1024))  # over client_max_body_size 21m
    connection.endheaders()
    connection.send(b"x" * 1024)  # nginx answers on the header alone
    response = connection.getresponse()
    assert response.status == 413
    connection.close()
    assert not ARRIVED.is_set()


@pytest.mark.urls(__name__)
def test_a_forged_forwarded_for_is_replaced_by_the_real_peer(nginx):
    connection = http.client.HTTPConnection("127.0.0.1", nginx, timeout=30)
    connection.request("POST", "/probe/upload/", body=b"ok", headers={"X-Forwarded-For": "6.6.6.6"})
    response = connection.getresponse()
    assert response.status == 200
    assert b'"forwarded_for": "127.0.0.1"' in response.read()
    connection.close()


def test_the_documented_body_limit_covers_the_largest_upload_gongkai_accepts():
    from gongkai.catalog.services import MAX_ATTACHMENT_BYTES

    limit = re.search(r"client_max_body_size (\d+)m;", documented_config())
    assert limit is not None
    assert MAX_ATTACHMENT_BYTES < int(limit.group(1)) * 1024 * 1024 <= MAX_ATTACHMENT_BYTES + 2 * 1024 * 1024
