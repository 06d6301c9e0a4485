"""A store path served as generations: swapped atomically, with one owner, writes carried over.

Beside the store path ``NAME``, the folder ``.NAME.d`` holds::

    gen-T/        one generation: a complete pyoxigraph store (``NAME`` is a symlink to one)
    built-INODE   the graphs the build of that folder produced (JSON), "" for the default graph
    pending       symlink to a finished build waiting to be adopted
    owner.lock    flock held by the process that owns the store (the service's writer) for its life
    swap.lock     flock held for the few steps that move symlinks or remove folders

``NAME`` may also be a plain store folder (made by hand or by an earlier dxkg); the first
adoption moves it into ``.NAME.d`` and puts the symlink in its place.

**Adoption** (``prepare`` then ``finish``; ``adopt`` does both) makes the pending build the served store: the graphs of the current
store that no build produced (written through the service: corrections, annotations) and that
the new build does not produce are copied into it, then ``NAME`` is re-pointed with one
``rename`` of a symlink (atomic), and the old generation removed. Copying replaces each carried
graph whole, so an adoption cut short by a crash is simply run again. Only the owner adopts; a
build finding no owner (no service running) adopts its own output while holding the owner lock.
"""

from __future__ import annotations

import contextlib
import contextvars
import fcntl
import gc
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

DEFAULT = ""  # the default graph, in built lists


def meta_dir(target: Path) -> Path:
    meta = target.parent / f".{target.name}.d"
    meta.mkdir(parents=True, exist_ok=True)
    return meta


# --- locks --------------------------------------------------------------------------------
class Lock:
    """An ``flock`` on a file in the meta folder; released by ``release`` or when the process ends."""

    def __init__(self, fd: int):
        self.fd = fd

    @classmethod
    def take(cls, target: Path, name: str, *, wait: float | None) -> Lock | None:
        """The lock, or None if another process holds it after ``wait`` seconds (None: forever)."""
        fd = os.open(meta_dir(target) / name, os.O_RDWR | os.O_CREAT, 0o644)
        if wait is None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return cls(fd)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return cls(fd)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return None
                time.sleep(0.05)

    def release(self) -> None:
        os.close(self.fd)  # closing the descriptor drops the flock


@contextlib.contextmanager
def swapping(target: Path) -> Iterator[None]:
    lock = Lock.take(target, "swap.lock", wait=None)
    assert lock is not None  # waiting without limit always gets it
    try:
        yield
    finally:
        lock.release()


# --- what is where ------------------------------------------------------------------------
def current(target: Path) -> Path | None:
    """The folder served at ``target`` (the symlink resolved), or None."""
    return Path(os.path.realpath(target)) if target.exists() else None


def pending(target: Path) -> Path | None:
    link = meta_dir(target) / "pending"
    return Path(os.path.realpath(link)) if link.is_symlink() and link.exists() else None


def built_graphs(folder: Path) -> set[str] | None:
    """The graphs the build of ``folder`` produced; None if not recorded."""
    try:
        return set(json.loads(_built_file(folder).read_text()))
    except (OSError, ValueError):
        return None


def record_built(folder: Path, graphs) -> None:
    path = _built_file(folder)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(sorted(graphs)))
    os.replace(tmp, path)


def written_graphs(folder: Path, store: ox.Store) -> set[str]:
    """The graphs of ``store`` (opened on ``folder``) that no build produced: written through
    the service. None recorded counts as all built (a store from before generations)."""
    built = built_graphs(folder)
    return set() if built is None else graphs_of(store) - built


def graphs_of(store: ox.Store) -> set[str]:
    """Named graphs of ``store``, and ``DEFAULT`` if its default graph holds anything."""
    found = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        found.add(DEFAULT)
    return found


def _built_file(folder: Path) -> Path:
    # keyed by inode: stays right when the folder is renamed (into .NAME.d)
    return _meta_of(folder) / f"built-{os.stat(folder).st_ino}"


def _meta_of(folder: Path) -> Path:
    """The meta folder a store folder belongs to (inside it for generations, beside it otherwise)."""
    if folder.parent.name.startswith(".") and folder.parent.name.endswith(".d") and folder.name.startswith("gen-"):
        return folder.parent
    return meta_dir(folder)


def settle(folder: Path) -> None:
    """Make sure no store is open on ``folder`` in this process any more, and that it opens
    (read-write: its lock is free) — before it is moved or handed to another process."""
    gc.collect()
    ox.Store(str(folder)).flush()
    gc.collect()


_WAIT: contextvars.ContextVar[float | None] = contextvars.ContextVar("hand_over_wait", default=None)


@contextlib.contextmanager
def handing_over(*, wait: float) -> Iterator[None]:
    """Within the block, ``build_aside`` waits at most ``wait`` seconds for the owner to adopt
    (0: the caller — the owner's own process — adopts right after, as ``Backend.change`` does)."""
    token = _WAIT.set(wait)
    try:
        yield
    finally:
        _WAIT.reset(token)


def hand_over_wait(default: float) -> float:
    value = _WAIT.get()
    return default if value is None else value


# --- publishing a build -------------------------------------------------------------------
def new_generation(target: Path, folder: Path, built: set[str]) -> Path:
    """Move a finished build into ``.NAME.d`` as a generation and make it pending."""
    meta = meta_dir(target)
    with swapping(target):
        gen = meta / f"gen-{time.time_ns()}"
        os.rename(folder, gen)
        record_built(gen, built)
        _link(meta / "pending", gen)
    return gen


def publish(target: Path, folder: Path, built: set[str], *, wait: float = 120.0) -> bool:
    """Hand a finished build to the store's owner, or adopt it here if there is none.

    Returns True once it is served at ``target``; False if the running service did not take
    it within ``wait`` seconds (it stays pending and is taken when the service can).
    """
    gen = new_generation(target, folder, built)
    owner = Lock.take(target, "owner.lock", wait=0)
    if owner is not None:  # no service owns the store: adopt it here
        try:
            adopt(target)
        finally:
            owner.release()
        return True
    deadline = time.monotonic() + wait
    while pending(target) == gen:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return current(target) == gen


# --- adoption (by the owner, or by a build when there is none) -----------------------------
def adopt(target: Path) -> bool:
    """Adopt the pending generation here (no service owns the store); False if none is pending."""
    prepared = prepare(target, None)
    if prepared is None:
        return False
    new, folder = prepared
    del new
    gc.collect()
    retired = finish(target, folder)
    if retired is not None:
        remove_generation(retired)
    return True


def prepare(target: Path, old: ox.Store | None) -> tuple[ox.Store, Path] | None:
    """First half of an adoption: the pending generation opened read-write, with the graphs
    written through the service carried into it from ``old`` (the current store as its owner
    holds it; None: opened, and closed, here). None when nothing is pending.

    The owner must close ``old`` before ``finish``: a store open under a path that is re-pointed
    would write into the new folder.
    """
    new_folder = pending(target)
    if new_folder is None:
        return None
    old_folder = current(target)
    new = ox.Store(str(new_folder))
    if old_folder is not None and old_folder != new_folder:
        source = old if old is not None else ox.Store(str(old_folder))
        old_built = built_graphs(old_folder)
        carry(source, new, graphs_of(source) if old_built is None else old_built, built_graphs(new_folder) or set())
        new.flush()
        del source
        gc.collect()
    return new, new_folder


def finish(target: Path, new_folder: Path) -> Path | None:
    """Second half: point ``target`` at the new generation; returns the old folder to remove."""
    old_folder = current(target)
    with swapping(target):
        moved = _point(target, new_folder)
        (meta_dir(target) / "pending").unlink(missing_ok=True)
    return None if old_folder in (None, new_folder) else (moved or old_folder)


def own(target: Path) -> Path:
    """The generation folder served at ``target``, for its owner to open by that folder's path.

    A plain folder at ``target`` (made by hand or by an earlier dxkg) is first checked to be a
    store, then moved into ``.NAME.d`` with a symlink in its place: a store open under the
    path itself would write into whatever folder is put there next.
    """
    if not target.exists() and not target.is_symlink():
        plain = sorted(meta_dir(target).glob("gen-plain-*"), key=lambda f: f.stat().st_mtime)
        if plain:  # a crash between moving the folder and linking it
            _link(target, plain[-1])
    folder = current(target)
    if folder is None:
        raise FileNotFoundError("there is no store folder at the store path")
    if not target.is_symlink():
        del_check = ox.Store.read_only(str(target))  # OSError if it is not a store
        del del_check
        gc.collect()
        with swapping(target):
            moved = _point(target, target)
        assert moved is not None  # a plain folder was there
        folder = moved
    return folder


def carry(old: ox.Store, new: ox.Store, old_built: set[str], new_built: set[str]) -> list[str]:
    """Copy into ``new`` every graph of ``old`` that neither build produced (each replaced whole)."""
    carried = []
    for g in sorted(graphs_of(old) - old_built - new_built):
        graph = ox.NamedNode(g) if g else ox.DefaultGraph()
        if g:
            if new.contains_named_graph(graph):
                new.remove_graph(graph)
            new.add_graph(graph)
        else:
            new.clear_graph(graph)
        new.extend(old.quads_for_pattern(None, None, None, graph))
        carried.append(g)
    return carried


def remove_generation(folder: Path) -> None:
    """Remove a folder that is no longer served, with its built list."""
    with contextlib.suppress(OSError):
        _built_file(folder).unlink()
    shutil.rmtree(folder, ignore_errors=True)


def remove_stale_generations(target: Path) -> None:
    """Remove generations that are neither served nor pending (from crashed or superseded builds)."""
    meta = meta_dir(target)
    with swapping(target):
        keep = {current(target), pending(target)}
        for folder in meta.glob("gen-*"):
            if folder.resolve() not in keep:
                remove_generation(folder)
        inodes = {f"built-{os.stat(f).st_ino}" for f in keep if f is not None}
        for built in meta.glob("built-*"):
            if built.name not in inodes:
                built.unlink(missing_ok=True)


def _point(target: Path, folder: Path) -> Path | None:
    """Point ``target`` at ``folder`` atomically; a plain folder at ``target`` is moved into
    the meta folder first (and returned; ``folder`` may be ``target`` itself)."""
    moved = None
    if target.exists() and not target.is_symlink():
        moved = meta_dir(target) / f"gen-plain-{os.stat(target).st_ino}"
        os.rename(target, moved)
        if folder == target:
            folder = moved
    _link(target, folder)
    return moved


def _link(link: Path, folder: Path) -> None:
    tmp = link.with_name(f".{link.name}.link-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(folder, link.parent), tmp)
    os.replace(tmp, link)
