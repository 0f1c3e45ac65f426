"""A small threaded HTTP(S) server base for fake providers: recording and fault injection.

Subclasses implement ``answer(request) -> (status, json_body)`` (``None``: no body) and
``error_body(status)``.
Faults are queued and consumed one per request, in the order they were queued:
``fail_next(n, status)`` answers ``status`` n times without calling ``answer``;
``delay_next(n, seconds)`` holds n requests that long before answering them normally.
"""

import json
import socket
import ssl
import sys
import tempfile
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import trustme


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None  # what the fake answered (None while still being handled)

    def json(self):
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


class FakeServer:
    def __init__(self, tls: bool = False):
        self.tls = tls
        self.requests: list[RecordedRequest] = []
        self._faults: deque = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: ThreadingHTTPServer | None = None
        self.ca_path: str | None = None  # PEM of the CA that signed the server's certificate
        if tls:
            self._ca = trustme.CA()
            self._tmp = tempfile.TemporaryDirectory(prefix="oncall-fake-")
            self.ca_path = str(Path(self._tmp.name) / "ca.pem")
            self._ca.cert_pem.write_to_path(self.ca_path)

    # -- subclass hooks -------------------------------------------------------------------
    def answer(self, request: RecordedRequest) -> tuple[int, dict]:
        raise NotImplementedError

    def error_body(self, status: int) -> dict:
        raise NotImplementedError

    # -- fault injection ------------------------------------------------------------------
    def fail_next(self, n: int = 1, status: int = 500, body: dict | None = None) -> None:
        with self._lock:
            self._faults.extend([("fail", status, body)] * n)

    def delay_next(self, n: int = 1, seconds: float = 10.0) -> None:
        with self._lock:
            self._faults.extend([("delay", seconds, None)] * n)

    def reset(self) -> None:
        with self._lock:
            self._faults.clear()
            self.requests.clear()
            self._reset_state()

    def _reset_state(self) -> None:
        """Subclasses clear what they record besides ``requests``."""

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    def start(self) -> "FakeServer":
        self._stopping.clear()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        if self.tls:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._ca.issue_cert("127.0.0.1", "localhost").configure_cert(ctx)
            # handshake in the connection's thread, not in the accept loop
            self._httpd.socket = ctx.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        """Stop listening and drop open (keep-alive) connections: later requests are refused."""
        if self._httpd is None or self._stopping.is_set():
            return
        self._stopping.set()  # wakes delayed handlers
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            for conn in self._connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- request handling (runs in the connection's thread) -------------------------------
    def _handle(self, request: RecordedRequest) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(request)
            fault = self._faults.popleft() if self._faults else None
        if fault and fault[0] == "delay":
            self._stopping.wait(fault[1])
        if fault and fault[0] == "fail":
            status, body = fault[1], fault[2] or self.error_body(fault[1])
        else:
            status, body = self.answer(request)
        request.status = status
        return status, body


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """Clients that time out, hang up or refuse our certificate are the point here."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def _handler_for(fake: FakeServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like the real providers
        disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms stall

        def setup(self):
            super().setup()
            with fake._lock:
                fake._connections.add(self.connection)

        def finish(self):
            with fake._lock:
                fake._connections.discard(self.connection)
            super().finish()

        def do_POST(self):
            self._dispatch()

        def do_GET(self):
            self._dispatch()

        def do_PATCH(self):
            self._dispatch()

        def do_PUT(self):
            self._dispatch()

        def _dispatch(self):
            length = int(self.headers.get("Content-Length") or 0)
            request = RecordedRequest(
                method=self.command,
                path=self.path,
                headers=dict(self.headers.items()),
                body=self.rfile.read(length),
            )
            status, body = fake._handle(request)
            payload = b"" if body is None else json.dumps(body).encode()  # None: no body (a 204)
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format, *args):  # quiet
            pass

    return Handler
