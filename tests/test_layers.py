"""The import graph of bot/ and rules/, function-level imports included.

Layers (bot/; rules/, whose core never imports the registry) and the pure core (rules/ never
imports bot/) are import-linter contracts in pyproject.toml (``[tool.importlinter]``), run here;
``lint-imports`` runs the same from a shell.
No module may import itself back through others: a cycle is reported with its path.
"""

from __future__ import annotations

import graphlib
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
ACYCLIC = ("bot", "rules")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("bot", "rules", cache_dir=None)


def test_the_layer_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)

    assert code == 0, capsys.readouterr().out


def test_imports_inside_functions_are_in_the_graph(graph: grimp.ImportGraph) -> None:
    # bot.entry.cli imports the server only inside a function: the contracts above see it too
    assert graph.direct_import_exists(importer="bot.entry.cli", imported="bot.entry.server")


@pytest.mark.parametrize("package", ACYCLIC)
def test_no_import_cycle(graph: grimp.ImportGraph, package: str) -> None:
    modules = {m for m in graph.modules if m == package or m.startswith(package + ".")}
    imports = {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}
    try:
        graphlib.TopologicalSorter(imports).prepare()
    except graphlib.CycleError as cycle:
        pytest.fail("import cycle: " + " -> ".join(cycle.args[1]))


def test_the_action_is_a_front_end_of_the_review(graph: grimp.ImportGraph) -> None:
    """bot/action/ sits beside bot/recovery/ (the contract's ``action | recovery`` layer): the CLI
    calls it, and it drives bot/review/ over bot/github/, reading events with bot/intake/'s
    payload models, never the App's queue, workers, webhooks receiver or recovery."""
    action = {m for m in graph.modules if m.startswith("bot.action.")}
    imported = {m for module in action for m in graph.find_modules_directly_imported_by(module)
                if m.startswith("bot.") and not m.startswith("bot.action")}
    allowed = ("bot.review.", "bot.github.", "bot.intake.payloads", "bot.intake.routes", "bot.logs")

    assert graph.direct_import_exists(importer="bot.entry.cli", imported="bot.action.run")
    assert imported and all(m.startswith(allowed) for m in imported), sorted(imported)
    assert "bot.review.flow" in imported and "bot.review.commands" in imported
