"""Plain gunicorn instead of ``oncall serve``:  gunicorn -c deploy/gunicorn.conf.py wsgi:app

``oncall serve`` is the supported way and needs none of this: it runs gunicorn with these
settings AND starts an engine tick in every worker. Under plain gunicorn the web workers do
not tick (``wsgi:app`` never starts one), so run at least one ``oncall worker`` (better
two, on different hosts) or nothing escalates. Use this file only if you must pass gunicorn
options that ``oncall serve`` does not expose.
"""
import os

bind = os.environ.get("ONCALL_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("ONCALL_WEB_WORKERS", "4"))
threads = int(os.environ.get("ONCALL_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
keepalive = 75  # longer than the proxy's idle timeout (nginx: 60 s): the proxy closes first
accesslog = "-"
# Never preload: wsgi.py builds the app (and its database pool) at import; it must happen in
# each worker after the fork, not once in the master.
preload_app = False
# gunicorn >= 25's control socket sits at one path per user; a second instance would take it.
control_socket_disable = True


def on_starting(server):
    """Prometheus multiprocess mode: start from an empty directory."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.unlink(os.path.join(directory, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
