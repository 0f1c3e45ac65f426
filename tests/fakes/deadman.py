"""A dead-man's-switch endpoint (healthchecks.io style): counts the GETs it receives.

    with DeadMan() as deadman:
        settings["deadman_url"] = deadman.url
        ...
        assert deadman.count == ticks

``hits`` holds the monotonic time of each ping; ``fail_with(503)`` makes it answer an error.
"""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class DeadMan:
    def __init__(self, path: str = "/ping/oncall"):
        self.path = path
        self.hits: list[float] = []
        self.status = 200
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{self.path}"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.hits)

    def hits_between(self, start: float, end: float) -> int:
        with self._lock:
            return sum(1 for t in self.hits if start <= t < end)

    def fail_with(self, status: int) -> None:
        self.status = status

    def start(self) -> "DeadMan":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == owner.path:
                    with owner._lock:
                        owner.hits.append(time.monotonic())
                    status = owner.status
                else:
                    status = 404
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "DeadMan":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
