"""Every label file follows the format of tests/judgement/README.md (label.schema.json and the rest).

When the labelled folder's corpus is on this machine (opt-in, like tests/corpus: ``../shared/corpus``
or ``$DEVDOCS_CORPUS``; ``$DEVDOCS_EXTRA_CORPUS`` for the extra corpus), every labelled place is
also checked to be a line of its file. The label's commit must be the one its corpus's manifest
lists (``tests/judgement/extra-corpus.tsv`` for the extra corpus, always checked).
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from bench.extra_corpus import line_count
from bench.judgement_labels import SCHEMA_PATH, Label, LabelError, label_files, load_label, schema_problems
from rules.core.config import DEFAULT_GRADES
from rules.core.scoring import grade_for

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LABELS = HERE / "labels"
SAMPLE = HERE / "sample"
SAMPLE_REPO = ROOT / "examples" / "demo-repo"  # what the sample label describes
LABEL_FILES = [*(label_files(LABELS) if LABELS.is_dir() else []), *label_files(SAMPLE)]


def _corpus(label: Label) -> Path | None:
    if label.source.parent == SAMPLE:
        return None
    if label.corpus == "shared":
        return Path(os.environ.get("DEVDOCS_CORPUS") or ROOT.parent / "shared" / "corpus")
    extra = os.environ.get("DEVDOCS_EXTRA_CORPUS")
    return Path(extra) if extra else None


def _repository(label: Label) -> Path | None:
    if label.source.parent == SAMPLE:
        return SAMPLE_REPO
    corpus = _corpus(label)
    repo = corpus / label.repo.replace("/", "__") if corpus else None
    return repo if repo is not None and repo.is_dir() else None


def _line_count(path: Path) -> int:
    return line_count(path.read_bytes())


def _sample_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(next(SAMPLE.glob("*.yaml")).read_text(encoding="utf-8"))
    data["today"] = data["today"].isoformat()
    return data


def test_the_schema_is_a_valid_json_schema_whose_grades_are_the_default_scale() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]["expert"]["properties"]["grade"]["enum"]) == set(DEFAULT_GRADES)


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_label_file_follows_the_format(path: Path) -> None:
    label = load_label(path)

    assert path.stem.startswith(label.repo.replace("/", "__") + "__"), "name it <owner>__<repo>__<task>.yaml"
    assert label.expert_grade == grade_for(label.expert_score, DEFAULT_GRADES), "grade must fit the score"
    assert label.group("expected"), "a label lists what the reviewer would write"


@pytest.mark.corpus
@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_labelled_place_is_a_line_of_its_file(path: Path) -> None:
    label = load_label(path)
    repo = _repository(label)
    if repo is None:
        pytest.skip(f"the {label.corpus} corpus with {label.repo} is not on this machine")
    folder = repo / label.folder
    assert folder.is_dir(), f"{label.folder} is not in {repo}"

    for entry in label.entries:
        for place in entry.where:
            file = folder / place.file
            if file.is_file():
                assert 1 <= place.line <= max(1, _line_count(file)), f"{entry.id}: {place}"
            else:
                assert place.line == 1, f"{entry.id}: {place.file} does not exist, so only line 1 can be labelled"


def _manifest(label: Label) -> Path | None:
    """The extra corpus's manifest is committed beside the labels; the shared one is in the corpus."""
    if label.corpus == "extra":
        return HERE / "extra-corpus.tsv"
    corpus = _corpus(label)
    return corpus / "MANIFEST.tsv" if corpus else None


@pytest.mark.parametrize("path", [p for p in LABEL_FILES if p.parent == LABELS], ids=lambda p: p.name)
def test_the_labelled_commit_is_the_corpus_commit(path: Path) -> None:
    label = load_label(path)
    manifest = _manifest(label)
    if manifest is None or not manifest.is_file():
        pytest.skip(f"the {label.corpus} corpus is not on this machine")
    with manifest.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["repo"] == label.repo]

    commits = {r["commit"] for r in rows if r["path"].startswith(label.folder + "/")}

    # One commit for the folder; a folder read from the search index, which stores each file at
    # the last commit that changed it, may list its files at their own commits (EXTRA_CORPUS.md).
    assert label.commit in commits
    assert len(commits) == 1 or label.corpus == "extra"


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["expected"][0].update(kind="typo"), "expected[0].kind"),
    (lambda d: d["expected"][0].pop("severity"), "expected[0]"),
    (lambda d: d["expected"][0]["where"][0].update(line=0), "expected[0].where[0].line"),
    (lambda d: d["expected"][0].update(where=[]), "expected[0].where"),
    (lambda d: d["expected"][0]["where"][0].update(file="../elsewhere.md"), "expected[0].where[0].file"),
    (lambda d: d["acceptable"][0].update(id="E9"), "acceptable[0].id"),
    (lambda d: d.update(split="train"), "split"),
    (lambda d: d.update(commit="abc123"), "commit"),
    (lambda d: d.update(today="14 Nov 2025"), "today"),
    (lambda d: d["expert"].update(score=101), "expert.score"),
    (lambda d: d.update(reviewer="x"), "(top level)"),
    (lambda d: d.update(task="dev/active/x"), "task"),
])
def test_the_schema_names_the_field_of_a_bad_label(change: Any, field: str) -> None:
    data = copy.deepcopy(_sample_data())
    change(data)

    problems = schema_problems(data)

    assert problems
    assert problems[0].startswith(field + ":"), problems


def test_the_sample_as_written_has_no_schema_problem() -> None:
    assert schema_problems(_sample_data()) == []


def test_an_entry_id_used_twice_is_refused(tmp_path: Path) -> None:
    data = _sample_data()
    data["expected"][1]["id"] = data["expected"][0]["id"]
    path = tmp_path / "o__r__t.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")

    with pytest.raises(LabelError, match="E1"):
        load_label(path)


def test_a_file_that_is_not_yaml_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "o__r__t.yaml"
    path.write_text("repo: [unclosed\n", encoding="utf-8")

    with pytest.raises(LabelError, match=re.escape("o__r__t.yaml: not valid YAML")):
        load_label(path)
