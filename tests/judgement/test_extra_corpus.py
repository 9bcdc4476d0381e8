"""bench/extra_corpus.py rebuilds the extra corpus from its manifest and local git clones."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bench.extra_corpus import fits, line_count, main, read_manifest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

HEADER = "repo\tcommit\tpath\tlines\tlicense\n"


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _commit(repo: Path, files: dict[str, str], message: str) -> str:
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


@pytest.fixture
def clone(tmp_path: Path) -> tuple[Path, str, str]:
    """A clone of acme/shop laid out as the fetch tool does (``acme+shop/repo``) with two commits."""
    repo = tmp_path / "mirrors" / "acme+shop" / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    first = _commit(repo, {"dev/active/auth/auth-plan.md": "# Plan\n\nv1\n", "src/app.py": "print(1)\n"}, "one")
    second = _commit(repo, {"dev/active/auth/auth-plan.md": "# Plan\n\nv2\nmore\n"}, "two")
    return tmp_path / "mirrors", first, second


def _manifest(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "manifest.tsv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_writes_each_file_at_its_commit_and_the_tree(tmp_path: Path, clone: tuple[Path, str, str]) -> None:
    mirrors, first, _second = clone
    manifest = _manifest(tmp_path, [f"acme/shop\t{first}\tdev/active/auth/auth-plan.md\t3\tMIT"])
    out = tmp_path / "corpus"
    assert main(["--manifest", str(manifest), "--mirrors", str(mirrors), "--out", str(out)]) == 0
    assert (out / "acme__shop/dev/active/auth/auth-plan.md").read_text(encoding="utf-8") == "# Plan\n\nv1\n"
    tree = (out / f"acme__shop@{first}.tree").read_text(encoding="utf-8").split()
    assert tree == ["dev/active/auth/auth-plan.md", "src/app.py"]


def test_the_tree_lists_non_ascii_paths_as_they_are(tmp_path: Path) -> None:
    repo = tmp_path / "mirrors" / "acme+shop" / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    commit = _commit(repo, {"dev/active/微信接入/微信接入-plan.md": "# Plan\n"}, "one")
    manifest = _manifest(tmp_path, [f"acme/shop\t{commit}\tdev/active/微信接入/微信接入-plan.md\t1\tMIT"])
    out = tmp_path / "corpus"
    assert main(["--manifest", str(manifest), "--mirrors", str(tmp_path / "mirrors"), "--out", str(out)]) == 0
    tree = (out / f"acme__shop@{commit}.tree").read_text(encoding="utf-8").splitlines()
    assert tree == ["dev/active/微信接入/微信接入-plan.md"]


def test_reports_what_it_cannot_write_and_exits_1(tmp_path: Path, clone: tuple[Path, str, str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    mirrors, first, second = clone
    manifest = _manifest(tmp_path, [
        f"acme/shop\t{second}\tdev/active/auth/auth-plan.md\t4\tMIT",  # written
        f"acme/shop\t{first}\tdev/active/auth/auth-context.md\t9\tMIT",  # not at that commit
        f"acme/shop\t{first}\tsrc/app.py\t7\tMIT",  # another line count
        f"other/repo\t{first}\tdev/active/x/x-plan.md\t5\tnone found",  # no clone
    ])
    out = tmp_path / "corpus"
    assert main(["--manifest", str(manifest), "--mirrors", str(mirrors), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "auth-context.md: the clone does not hold the file at that commit" in printed
    assert "src/app.py: 1 lines at that commit, the manifest says 7" in printed
    assert "other/repo" in printed and "no clone of the repository" in printed
    assert "1 of 4 files" in printed
    assert not (out / "acme__shop/src/app.py").exists()
    assert (out / "acme__shop/dev/active/auth/auth-plan.md").read_text(encoding="utf-8").endswith("more\n")


def test_keeps_a_file_already_there_with_the_right_line_count(tmp_path: Path) -> None:
    """A file read by hand from a search index (no clone) counts when its line count fits."""
    manifest = _manifest(tmp_path, ["acme/gone\t" + "a" * 40 + "\tdev/active/x/x-tasks.md\t2\tnone found"])
    out = tmp_path / "corpus"
    kept = out / "acme__gone/dev/active/x/x-tasks.md"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"- [ ] one\r\n- [ ] two")  # CRLF, no final newline: two lines
    assert main(["--manifest", str(manifest), "--mirrors", str(tmp_path / "none"), "--out", str(out)]) == 0


def test_a_bad_manifest_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("repo,commit,path\n", encoding="utf-8")
    assert main(["--manifest", str(bad), "--mirrors", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "the header must be repo commit path lines license" in capsys.readouterr().err
    rows = _manifest(tmp_path, ["acme/shop\tabc\tdev/x.md\tmany\tMIT"])
    with pytest.raises(ValueError, match=r"manifest.tsv:2: not a row"):
        read_manifest(rows)


def test_the_project_manifest_reads() -> None:
    rows = read_manifest(Path(__file__).resolve().parent / "extra-corpus.tsv")
    assert len(rows) > 400 and all(len(r.commit) == 40 and r.lines > 0 for r in rows)


@pytest.mark.parametrize(("data", "lines"), [(b"", 0), (b"a", 1), (b"a\n", 1), (b"a\nb", 2), (b"a\r\nb\r\n", 2)])
def test_line_count(data: bytes, lines: int) -> None:
    assert line_count(data) == lines


def test_a_count_without_the_last_unterminated_line_fits_too() -> None:
    """Some manifest rows were counted as ``wc -l`` counts: newlines only."""
    assert fits(b"a\nb", 2) and fits(b"a\nb", 1) and not fits(b"a\nb", 3)
    assert fits(b"a\n", 1) and not fits(b"a\n", 0)
