"""The process that reads an uploaded document (never the HTTP server process).

Readers parse untrusted files — Word, PDF, scans run through OCR, HTML — and a crafted or
merely large one can take minutes or all the memory. So ``/upload`` reads each document in a
process of its own, started for it and killed at the service's ``upload_timeout``
(``Backend.isolated``): the server keeps answering meanwhile, and a document that takes too
long is refused with nothing changed. Like the query workers, the process first cuts itself
off from the network (``sandbox.enter``) and dies with the server (``lifeline``); it touches
no store: it hands back what was read (``kg.incremental.Reading``), and the server puts it
into the store with writes held (``Backend.change``).
"""

from __future__ import annotations

from dxkg.kg.incremental import read_documents
from dxkg.server import frames, lifeline, sandbox


def main(conn, parent_pid: int, network: str) -> None:
    """Read the documents of one task and send back ``{"reading": Reading | None, "lines": [...]}``."""
    sandbox.enter(network, conn.send)  # before anything is read: no network unless allowed
    lifeline.bind_to_parent(parent_pid)
    try:
        task = frames.read(conn.fileno())
    except (EOFError, OSError):
        return
    lines: list[str] = []
    with lifeline.time_limit(task.get("limit")):
        reading = read_documents(task["paths"], report=lines.append)
    frames.write(conn.fileno(), {"reading": reading, "lines": lines})
