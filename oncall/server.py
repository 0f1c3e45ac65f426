"""Process entry points: the gunicorn-served web app and the engine-only worker."""
from __future__ import annotations

import logging
import signal
import threading

from gunicorn.app.base import BaseApplication

log = logging.getLogger("oncall.server")


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        """Called in each worker after the fork: its own engine pool and its own tick."""
        from oncall.app import create_app, start_engine

        app = create_app()
        start_engine(app)
        return app


def run(*, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app with gunicorn (never Flask's development server)."""
    _Gunicorn({
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "timeout": 30,
        "graceful_timeout": 10,
        # gunicorn >= 25 opens a control socket at one fixed path per user
        # (~/.gunicorn/gunicorn.ctl): a second instance on the host would take it over, and
        # stopping either removes it. We do not use gunicornc; systemd manages the processes.
        "control_socket_disable": True,
    }).run()


def run_worker() -> None:
    """The engine tick without a web server, until SIGTERM/SIGINT."""
    from oncall.app import create_app, start_engine

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    scheduler = start_engine(create_app())
    log.info("worker started")
    stop.wait()
    scheduler.shutdown()
    log.info("worker stopped")
