"""Process entry points: the gunicorn-served web app and the engine-only worker."""
from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path

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


def _worker_exited(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def _fresh_multiprocess_dir() -> dict:
    """With PROMETHEUS_MULTIPROC_DIR: start from an empty directory, forget dead workers."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return {}
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):  # the previous run's values; counters restart at zero
        stale.unlink()
    return {"child_exit": _worker_exited}


def run(*, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app with gunicorn (never Flask's development server)."""
    _Gunicorn({
        **_fresh_multiprocess_dir(),
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "timeout": 30,
        "graceful_timeout": 10,
        # Idle keep-alive connections stay open 75 s (gunicorn's default is 2 s): longer than
        # nginx's upstream keepalive_timeout (60 s), so the proxy, not gunicorn, closes them.
        # When gunicorn closes an idle connection just as a request arrives on it, the client
        # gets a reset, and a POST (an event, an ack) cannot safely be retried.
        "keepalive": 75,
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
