"""LNK005 looks a listed path up among the ticked boxes' paths with an index; it finds what a scan with
``ends_alike`` finds (the first box naming the same path, or one ending in the other at a folder boundary)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rules.structure._paths import ends_alike
from rules.structure.lnk005_existing_file_marked_to_create import _ends, _TickedPaths

_SEGMENTS = st.sampled_from(["src", "lib", "a", "b", "x.py", "y.ts", "web"])
_PATHS = st.lists(_SEGMENTS, min_size=1, max_size=5).map("/".join)


def _scan(path: str, ticked: list[tuple[str, int]]) -> int | None:
    wanted = path.rstrip("/")
    return next((line for named, line in ticked if ends_alike(named, wanted)), None)


@given(ticked=st.lists(st.tuples(_PATHS, st.integers(1, 500)), max_size=12), path=_PATHS)
def test_the_index_finds_what_a_scan_finds(ticked: list[tuple[str, int]], path: str) -> None:
    assert _TickedPaths(ticked).first_box(path) == _scan(path, ticked)


def test_examples() -> None:
    index = _TickedPaths([("web/src/x.py", 7), ("lib/y.ts", 9), ("src/x.py", 11)])
    assert index.first_box("src/x.py") == 7  # the first box whose path ends in it
    assert index.first_box("x.py") == 7
    assert index.first_box("app/lib/y.ts/") == 9  # a listed path ending in a ticked one
    assert index.first_box("rc/x.py") is None  # not at a folder boundary
    assert index.first_box("lib") is None


def test_a_path_deeper_than_any_real_one_is_still_found_whole() -> None:
    deep = "/".join(f"d{n}" for n in range(100)) + "/x.py"
    assert _ends(deep)[0] == deep and len(_ends(deep)) == 65
    assert _TickedPaths([(deep, 3)]).first_box(deep) == 3
    assert _TickedPaths([(deep, 3)]).first_box("d99/x.py") == 3
