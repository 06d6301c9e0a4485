"""A worker's reply crosses the pipe whole, whatever its size: header pickled, body raw."""

from __future__ import annotations

import os
import threading

import pytest

from dxkg.server import frames


def _through_pipe(reply: dict) -> dict:
    r, w = os.pipe()
    try:
        writer = threading.Thread(target=frames.write, args=(w, dict(reply)))
        writer.start()  # a body over the pipe's 64 KiB blocks until it is read
        got = frames.read(r)
        writer.join()
        return got
    finally:
        os.close(r)
        os.close(w)


@pytest.mark.parametrize("size", [0, 1, 5000, frames.PIPE_READ - 40, frames.PIPE_READ, 3 * frames.PIPE_READ + 7])
def test_bodies_of_any_size_arrive_whole(size):
    body = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    got = _through_pipe({"format": "json", "truncated": True, "body": bytearray(body)})
    assert got == {"format": "json", "truncated": True, "body": body}
    assert type(got["body"]) is bytes


def test_a_reply_without_a_body_has_none():
    assert _through_pipe({"error": 400, "message": "no"}) == {"error": 400, "message": "no"}


def test_a_closed_pipe_is_eof():
    r, w = os.pipe()
    os.close(w)
    with pytest.raises(EOFError):
        frames.read(r)
    os.close(r)
