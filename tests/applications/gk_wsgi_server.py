"""A threaded WSGI server for the hardening tests: Django's own ThreadedWSGIServer (what runserver and
pytest-django's live_server use) with a listen backlog of a production server, so that 64 simultaneous
connections queue instead of being reset. Usage: python gk_wsgi_server.py PORT"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402


class Server(ThreadedWSGIServer):
    request_queue_size = 1024  # gunicorn's default backlog is 2048


class Handler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
server.set_app(get_wsgi_application())
print("ready", flush=True)
server.serve_forever()
