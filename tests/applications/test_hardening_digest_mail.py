"""Issue 10, Low: the digest survives a mail server that is down or answers 451: bounded retries with
backoff, a report of the recipients that failed, and a non-zero exit. Against real SMTP sockets on
127.0.0.1 (Django's SMTP backend, a tiny line-based server in a thread)."""

import datetime as dt
import io
import socket
import socketserver
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

D = dt.date


class SMTPHandler(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        server = self.server
        server.connections += 1
        self._say("220 test.local ESMTP")
        recipients = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip()
            upper = verb.upper()
            if upper.startswith(("EHLO", "HELO")):
                self._say("250 test.local")
            elif upper.startswith("MAIL FROM"):
                server.mail_commands += 1
                if server.mail_commands <= server.fail_mail_times:
                    self._say("451 4.3.0 Temporary failure, try again later")
                else:
                    self._say("250 OK")
            elif upper.startswith("RCPT TO"):
                address = verb.split(":", 1)[1].strip().strip("<>")
                if address in server.refuse:
                    self._say(f"{server.refuse[address]} refused")
                else:
                    recipients.append(address)
                    self._say("250 OK")
            elif upper == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                body = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(chunk)
                server.delivered.extend(recipients)
                recipients = []
                self._say("250 queued")
            elif upper in ("RSET", "NOOP"):
                recipients = []
                self._say("250 OK")
            elif upper == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not implemented")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *, fail_mail_times=0, refuse=None):
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.fail_mail_times = fail_mail_times
        self.refuse = refuse or {}
        self.mail_commands = 0
        self.connections = 0
        self.delivered = []


@pytest.fixture
def smtp_server():
    servers = []

    def start(**options):
        server = SMTPServer(**options)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def due_case(township, register, clerk, reviewer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 5
    settings.GONGKAI_MAIL_RETRIES = 3
    settings.GONGKAI_MAIL_RETRY_DELAY = 0.01
    clerk.email = "clerk@qukou.example"
    clerk.save()
    reviewer.email = "reviewer@qukou.example"
    reviewer.save()
    application, _ = register(township, D(2026, 10, 8))
    return application


def _digest():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("applications", "digest", "--today", "2026-11-25", stdout=out, stderr=err)
    except CommandError as exc:
        return exc, out.getvalue(), err.getvalue()
    return None, out.getvalue(), err.getvalue()


def test_a_mail_server_that_refuses_connections_is_reported_and_the_exit_is_non_zero(due_case, settings):
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]
    error, out, err = _digest()
    assert isinstance(error, CommandError)
    assert "2 封提醒邮件未能发送" in str(error)
    assert "clerk@qukou.example" in err and "reviewer@qukou.example" in err
    assert "已发送提醒邮件 0 封" in out


def test_a_temporary_451_is_retried_with_backoff_and_then_delivered(due_case, smtp_server, settings):
    server = smtp_server(fail_mail_times=2)
    settings.EMAIL_PORT = server.server_address[1]
    error, out, _ = _digest()
    assert error is None
    assert sorted(server.delivered) == ["clerk@qukou.example", "reviewer@qukou.example"]
    assert server.mail_commands == 4  # two 451s, then one MAIL per recipient
    assert "已发送提醒邮件 2 封" in out


def test_a_server_that_keeps_answering_451_is_retried_a_bounded_number_of_times(
    due_case, smtp_server, settings
):
    server = smtp_server(fail_mail_times=10**6)
    settings.EMAIL_PORT = server.server_address[1]
    error, _, err = _digest()
    assert isinstance(error, CommandError)
    assert server.mail_commands == 2 * 3  # 3 attempts per recipient, no more
    assert "SMTP 451" in err


def test_only_the_refused_recipient_is_reported_the_others_are_delivered(due_case, smtp_server, settings):
    server = smtp_server(refuse={"reviewer@qukou.example": 550})
    settings.EMAIL_PORT = server.server_address[1]
    error, out, err = _digest()
    assert isinstance(error, CommandError) and "1 封提醒邮件未能发送" in str(error)
    assert server.delivered == ["clerk@qukou.example"]
    assert "reviewer@qukou.example" in err and "clerk@qukou.example" not in err
    assert "已发送提醒邮件 1 封" in out
    assert server.connections == 2  # a permanent 550 is not retried
