"""A tiny threaded TCP forwarder on 127.0.0.1 that can be cut and restored.

    proxy = TcpProxy("127.0.0.1", 5432).start()
    url = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/db"
    proxy.cut()      # every open connection is closed, new ones are refused
    proxy.restore()  # listening again on the same port

For fault tests: "the database went away" without touching the (shared) database server.
While cut, the listening socket is closed, so a client's ``connect()`` fails at once with
"connection refused", as it does when a server is down; the connections that were open are
shut down in both directions, as when the server process dies.
"""
from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, *, listen_port: int = 0):
        self.target = (target_host, target_port)
        self.port = listen_port
        self.accepted = 0  # connections forwarded so far (all time)
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._closed = True

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> "TcpProxy":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]  # keep the same port across cut/restore
        with self._lock:
            self._listener, self._closed = listener, False
        threading.Thread(target=self._accept_loop, args=(listener,), daemon=True, name="tcp-proxy-accept").start()
        return self

    def cut(self) -> None:
        """Close every connection and stop listening: new connections are refused."""
        with self._lock:
            self._closed = True
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, set()
        if listener is not None:
            _close(listener)
        for sock in sockets:
            _close(sock)

    def restore(self) -> None:
        """Listen again on the same port (no-op while not cut)."""
        if self._closed:
            self.start()

    stop = cut

    @property
    def is_cut(self) -> bool:
        return self._closed

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._sockets) // 2

    def __enter__(self) -> "TcpProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cut()

    # -- forwarding -----------------------------------------------------------------------
    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed by cut()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._closed or self._listener is not listener:
                    _close(client)
                    _close(upstream)
                    continue
                self._sockets.update((client, upstream))
                self.accepted += 1
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True, name="tcp-proxy-pump").start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets.discard(src)
                self._sockets.discard(dst)
            _close(src)
            _close(dst)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
