"""Run the service under waitress (``dxkg serve`` calls ``serve``).

Why waitress, tuned, and not another server: waitress reads every request — headers and body
— in one asynchronous I/O loop and hands it to a worker thread only once it is complete, so a
client that sends slowly holds a socket and a small buffer, never a thread (a pre-forking or
thread-per-connection server such as gunicorn's sync workers or cheroot gives each slow client
a worker). What let ~100 slow clients lock everyone out were three defaults, changed here:

- ``connection_limit`` 100 → ``Options.connection_limit`` (1000): waitress stops accepting at
  the limit, so 100 slow sockets filled it. Idle sockets cost one descriptor and a buffer
  each, and ``poll`` is used instead of ``select`` (which cannot watch more than 1024).
- A deadline for the whole request (``Options.request_timeout``, 30 s): waitress only closes
  connections *idle* for ``channel_timeout``, so one byte every few seconds kept a socket
  forever. A request whose headers and body are not complete by the deadline gets ``408``
  and its connection is closed; checked every second.
- ``max_request_body_size`` = ``max_body``: a body announced larger is refused as soon as its
  headers arrive, with ``413`` and the usual security headers, and the connection then reads
  and discards what the client is still sending for a moment before closing (a "lingering
  close"), so the client reads the ``413`` instead of a connection reset.
"""

from __future__ import annotations

import logging
import signal
import socket
import threading
import time

from flask import Flask
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask
from waitress.utilities import RequestEntityTooLarge

from dxkg.server import sandbox
from dxkg.server.app import create_app
from dxkg.server.options import HOST, PORT
from dxkg.server.security import SECURITY_HEADERS

LINGER = 2.0  # seconds a closing connection keeps reading what the client still sends
LINGER_BYTES = 64 << 20  # ... and at most this much


class _ErrorTask(ErrorTask):
    """waitress's own error answers (400, 413, 431…) in dxkg's words, with its security headers."""

    def execute(self) -> None:
        error = self.request.error
        if isinstance(error, RequestEntityTooLarge):
            limit = self.channel.adj.max_request_body_size - 1
            message = f"the request body is larger than this service accepts ({limit} bytes)"
        else:
            message = f"{error.reason}: {error.body}"
        body = (message + "\n").encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "text/plain; charset=utf-8"), *SECURITY_HEADERS.items()])
        self.set_close_on_finish()
        self.channel.linger_on_close = True
        self.content_length = len(body)
        self.write(body)


class _Task(WSGITask):
    """waitress closes the connection after an answer without a body (304, 204) — it has no
    ``Content-Length`` to delimit it by — though none is needed (RFC 9112 §6.3): a client
    revalidating with ``If-None-Match`` would reconnect for each 304. It stays open here
    unless the client or the answer asks to close (HTTP/1.1 only)."""

    _keep_open = False

    def build_response_header(self):
        self._keep_open = (
            not self.has_body
            and not self.close_on_finish
            and self.version == "1.1"
            and self.request.headers.get("CONNECTION", "").lower() != "close"
            and all(k.lower() != "connection" for k, _ in self.response_headers)
        )
        try:
            return super().build_response_header()
        finally:
            self._keep_open = False

    def set_close_on_finish(self) -> None:
        if not self._keep_open:
            super().set_close_on_finish()


class _Channel(HTTPChannel):
    """A connection that knows when its current request began, and closes by lingering."""

    task_class = _Task
    error_task_class = _ErrorTask
    request_started: float | None = None
    linger_on_close = False
    lingering_until: float | None = None
    discarded = 0

    def received(self, data) -> bool:
        idle = self.request is None
        done = super().received(data)
        if self.request is None:
            self.request_started = None
        elif idle or self.request_started is None:
            self.request_started = time.monotonic()
        return done

    def time_out(self) -> None:
        """Answer ``408`` to a request not complete in time, and close."""
        body = b"the request was not received completely in time\n"
        head = "".join(f"{k}: {v}\r\n" for k, v in SECURITY_HEADERS.items())
        self.write_soon(
            b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + f"Content-Length: {len(body)}\r\n{head}\r\n".encode()
            + body
        )
        self.request = None
        self.request_started = None
        self.linger_on_close = True
        self.close_when_flushed = True

    def handle_close(self) -> None:
        if self.lingering_until is None and self.linger_on_close and self.connected:
            try:
                self.socket.shutdown(socket.SHUT_WR)
            except OSError:
                return super().handle_close()
            self.lingering_until = time.monotonic() + LINGER
            self.will_close = self.close_when_flushed = False
            return None
        return super().handle_close()

    def readable(self) -> bool:
        return True if self.lingering_until is not None else super().readable()

    def writable(self) -> bool:
        return False if self.lingering_until is not None else super().writable()

    def handle_read(self) -> None:
        if self.lingering_until is None:
            return super().handle_read()
        try:
            data = self.socket.recv(65536)
        except OSError:
            data = b""
        self.discarded += len(data)
        if not data or self.discarded > LINGER_BYTES or time.monotonic() > self.lingering_until:
            super().handle_close()
        return None


class _Server(TcpWSGIServer):
    channel_class = _Channel
    request_timeout = 30.0

    def maintenance(self, now: float) -> None:
        super().maintenance(now)
        mono = time.monotonic()
        for channel in list(self.active_channels.values()):
            if channel.lingering_until is not None:
                if mono > channel.lingering_until:
                    HTTPChannel.handle_close(channel)
            elif (
                channel.request_started is not None
                and channel.request is not None
                and not channel.requests
                and mono - channel.request_started > self.request_timeout
            ):
                channel.time_out()


def make_server(store_dir: str, host: str, port: int, **options):
    """The app and a bound (not yet running) waitress server; port 0 picks a free port."""
    app = create_app(store_dir, **options)
    opts = app.extensions["dxkg"].options
    adj = Adjustments(
        host=host,
        port=port,
        threads=opts.threads,
        max_request_body_size=opts.max_body + 1,  # waitress refuses a length >= this
        connection_limit=opts.connection_limit,
        channel_timeout=max(1, int(opts.request_timeout)),  # idle keep-alive connections
        cleanup_interval=1,
        asyncore_use_poll=True,
        ident="dxkg",
        clear_untrusted_proxy_headers=True,
    )
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    smap: dict = {}
    servers = []
    for sockinfo in adj.listen:
        server = _Server(app, smap, dispatcher=dispatcher, adj=adj, sockinfo=sockinfo)
        server.request_timeout = opts.request_timeout
        servers.append(server)
    if len(servers) == 1:
        return app, servers[0]
    listen = [(s.effective_host, s.effective_port) for s in servers]
    return app, MultiSocketServer(smap, adj=adj, effective_listen=listen, dispatcher=dispatcher)


def serve(store_dir: str, host: str = HOST, port: int = PORT, **options) -> None:
    """Serve ``store_dir`` on ``host:port`` until interrupted; SIGHUP reloads the store.

    ``options``: see ``dxkg.server.options.Options``.
    """
    app, server = make_server(store_dir, host, port, **options)
    svc = app.extensions["dxkg"]
    logging.getLogger("dxkg.server").warning(
        "dxkg serving %s on http://%s:%s/ (%d query workers, updates %s, evaluation %s)",
        store_dir,
        host,
        getattr(server, "effective_port", port),
        svc.options.workers,
        "enabled" if svc.options.update_token else "disabled",
        sandbox.describe(svc.backend.sandbox),
    )
    restore = _on_sighup(svc.reloader.request)
    try:
        server.run()
    finally:
        restore()
        shutdown(app, server)


def _on_sighup(handler):
    """Call ``handler()`` on SIGHUP (the usual "reload" signal); returns the undo.

    Only possible in the main thread of a platform that has SIGHUP; elsewhere a no-op.
    """
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGHUP, lambda signum, frame: handler())
    return lambda: signal.signal(signal.SIGHUP, previous)


def shutdown(app: Flask, server) -> None:
    server.close()
    app.extensions["dxkg"].reloader.stop()
    app.extensions["dxkg"].backend.close()
