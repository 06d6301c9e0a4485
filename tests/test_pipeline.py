"""The build at scale: documents parsed in parallel give the same graph as one by one, and
graphs are written one document at a time (what the store receives is what ``build`` makes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import synth_text
from dxkg.kg.build import Builder
from dxkg.kg.pipeline import EXIT_OK, _Loading, build_store, parse_all
from dxkg.kg.store import EmbeddedStore
from dxkg.loaders.text import find_province

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared/seeds")


def dump(folder: Path) -> list[str]:
    return sorted(EmbeddedStore(folder, read_only=True).dump("nquads").decode().splitlines())


@needs_seeds
def test_parallel_parsing_builds_the_same_graph_as_one_process(tmp_path):
    messages = []
    assert build_store([SEEDS], tmp_path / "one", validate=False, report=lambda m: None, jobs=1) == EXIT_OK
    assert build_store([SEEDS], tmp_path / "two", validate=False, report=messages.append, jobs=2) == EXIT_OK
    assert dump(tmp_path / "one") == dump(tmp_path / "two")
    progress = [m for m in messages if m.startswith("[")]
    assert len(progress) == 5 and all("kB" in m and "MB/s" in m for m in progress)  # in file order
    assert progress[0].startswith("[1/5] 000_") and progress[-1].startswith("[5/5] 004_")
    writing = [m for m in messages if m.startswith("  writing [")]  # the second phase reports too
    assert [m.split("]")[0] for m in writing] == [f"  writing [{k}/5" for k in range(1, 6)]


def test_graphs_come_one_at_a_time_and_match_the_whole_build(tmp_path):
    paths = synth_text.write_corpus(tmp_path, 2, 20_000)
    docs, skipped = parse_all(paths, lambda m: None, jobs=2)
    assert not skipped and all(len(d.tasks) > 50 for d in docs)  # a synthetic plan is mostly task rows
    streamed = Builder().graphs(docs)
    first_graph, first_quads = next(streamed)
    assert first_graph.endswith("/graph/ontology") and first_quads
    whole = Builder().build(docs).graphs
    rest = dict(streamed)
    assert {first_graph, *rest} == set(whole) and all(set(rest[g]) == set(whole[g]) for g in rest)


@pytest.mark.parametrize(
    "text,province",
    [
        ("UBND tỉnh Hà Nam và thành phố Hà Nội", "Hà Nam"),
        ("theo tỉnh Nghệ An, tỉnh Bà Rịa - Vũng Tàu", "Nghệ An"),
        ("tỉnh Quảng Nam", "Quảng Nam"),
        ("tỉnh Quảng Namx", None),
        ("không có tỉnh nào", None),
        ("Trung tâm dữ liệu thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),  # the name holds "Thành phố"
        ("Sở Y tế TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ],
)
def test_the_first_province_named_is_found_with_one_pattern(text, province):
    assert find_province(text) == province


def test_workers_keep_the_documents_on_disk_and_send_back_what_the_report_needs(tmp_path):
    """With a spill folder each worker pickles its document there and the main process gets
    only the counts and issues; a file that cannot be read leaves no gap in the order."""
    folder = tmp_path / "plans"
    paths = synth_text.write_corpus(folder, 2, 20_000)
    (folder / "plan-0000b.txt").write_bytes(b"\x00\x01 binary")
    spill = tmp_path / "spill"
    spill.mkdir()
    messages: list[str] = []
    spilled, skipped = parse_all([folder], messages.append, jobs=2, spill=spill)
    in_memory, _ = parse_all(paths, lambda m: None, jobs=1)
    assert [s[0] for s in skipped] == [str(folder / "plan-0000b.txt")]
    assert len(spilled) == 2 and len(spilled.issues) == 2
    assert [d.tasks for d in spilled] == [d.tasks for d in in_memory]
    assert sum(m.startswith("[") for m in messages) == 3 and "tasks" in messages[0]


def test_a_piece_the_bulk_loader_refuses_fails_the_load():
    """The loading threads' errors reach the build (which then discards the store aside)."""
    store = EmbeddedStore()
    good = b'<https://example.org/s> <https://example.org/p> "x" <https://example.org/g> .\n'
    with pytest.raises(SyntaxError), _Loading(store) as loading:
        loading.put(good)
        loading.put(b"<https://example.org/s> <https://example.org/p> <not closed\n")
        for _ in range(4):  # the error is raised at a later piece or at the end
            loading.put(good)
