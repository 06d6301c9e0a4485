"""How tasks and replies cross a sandboxed process's pipe (query worker, writer, reader): a
small pickled header, then a body raw.

The body of an answer (already the bytes the client gets, serialized in the worker) is the
only large part of a reply. Pickled inside the reply it was copied by ``pickle`` in the
worker, read by ``multiprocessing`` in pieces it grew a buffer from, copied out of it and
copied again by ``pickle.loads`` in the HTTP process, whose GIL every other request waits
for. Here it is written after its header in one ``writev`` and read with the header in one
``read`` when it fits the pipe (a light query's whole reply), else straight into a buffer
of its announced size. A task is a frame without a body, written in one call and read in one
(``multiprocessing``'s ``Connection`` pickles through a ``ForkingPickler`` and reads the length
and the payload in two).

A frame: ``!Iq`` (header length, body length or -1 for no body), the pickled header (the
message without ``body``), the body.
"""

from __future__ import annotations

import os
import pickle
import struct

_HEAD = struct.Struct("!Iq")
PIPE_READ = 1 << 16  # a pipe holds 64 KiB: a reply that fits is read in one call


def write(fd: int, message: dict) -> None:
    """Send ``message`` (its ``body``, if any, a bytes-like object) as one frame."""
    body = message.get("body")
    if body is not None:
        message = {k: v for k, v in message.items() if k != "body"}
    head = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    parts = [_HEAD.pack(len(head), -1 if body is None else len(body)), head]
    if body:
        parts.append(body)
    total = sum(len(p) for p in parts)
    sent = os.writev(fd, parts)
    if sent < total:  # a blocking pipe writes all unless a signal interrupts it
        rest = memoryview(b"".join(parts))[sent:]
        while rest:
            rest = rest[os.write(fd, rest) :]


def read(fd: int) -> dict:
    """Receive one frame: the message, with its ``body`` (if it has one) as ``bytes``.
    ``EOFError`` if the other end is gone."""
    data: bytes | bytearray = os.read(fd, PIPE_READ)
    while len(data) < _HEAD.size:
        data += _more(fd, _HEAD.size - len(data))
    head, size = _HEAD.unpack_from(data)
    end = _HEAD.size + head + max(size, 0)
    if len(data) < end:  # a large body: read the rest into a buffer of its length
        buf = bytearray(end)
        buf[: len(data)] = data
        view, got = memoryview(buf), len(data)
        while got < end:
            n = os.readv(fd, [view[got:]])
            if n == 0:
                raise EOFError
            got += n
        data = buf
    message = pickle.loads(data[_HEAD.size : _HEAD.size + head])
    if size >= 0:
        message["body"] = bytes(data[_HEAD.size + head : end])
    return message


def _more(fd: int, n: int) -> bytes:
    data = os.read(fd, n)
    if not data:
        raise EOFError
    return data
