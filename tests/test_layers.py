"""The architecture, enforced: which package may import which, no import cycles, short modules.

LAYERS is the single place that states the layering. Imports are read with `ast` from the source, top-level and
inside functions and `if TYPE_CHECKING:` blocks alike, so a lazy import cannot hide a dependency.
"""

from __future__ import annotations

import ast
import os
from collections import deque
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

TELEGRAM = "telegram"  # `telegram` and `telegram.*`
SQL = "SQL"  # `sqlalchemy*` and `sqlmodel*`

DOMAIN = ("bot.questions", "bot.contributions", "bot.enrollment", "bot.pledges", "bot.reminders", "bot.broadcasts",
          "bot.reports", "bot.privacy")


@dataclass(frozen=True)
class Layer:
    name: str
    owns: tuple[str, ...]  # a module belongs to the layer with the longest matching package prefix
    may_import: tuple[str, ...]  # other layers' names; a layer may always import itself
    never: tuple[str, ...]  # third-party families banned here: TELEGRAM, SQL
    rule: str  # printed on failure; {package} is the importing module's package
    owns_exactly: tuple[str, ...] = ()  # modules owned without their subpackages


BELOW_JOBS = ("core", "domain", "infra", "models")
PRODUCT = (*BELOW_JOBS, "jobs", "handlers", "runtime", "devtools", "telegram stand-in", "command line", "migrations")

# The architecture, low to high.
LAYERS = (
    Layer("core", ("bot.core",), (), (TELEGRAM, SQL),
          "the common core ({package}) must not import any other project package, telegram, sqlalchemy or sqlmodel; "
          "every other layer builds on it"),
    Layer("domain", DOMAIN, ("core",), (TELEGRAM, SQL),
          "domain rules ({package}) may import only bot.core and the other domain packages, never models, bot.infra, "
          "bot.jobs, handlers, bot.runtime, telegram, sqlalchemy or sqlmodel; the outer layers call the rules, "
          "not the other way"),
    Layer("infra", ("bot.infra",), ("core",), (),
          "infrastructure ({package}) may import only bot.core (telegram and sqlalchemy are fine); the database and "
          "transport serve the layers above without knowing them"),
    Layer("models", ("models",), ("core", "domain"), (TELEGRAM,),
          "tables and queries ({package}) may import only bot.core and the domain packages, never bot.infra or "
          "telegram; jobs and handlers bring the database and Telegram together"),
    Layer("jobs", ("bot.jobs",), BELOW_JOBS, (),
          "scheduled work ({package}) may import bot.core, the domain packages, bot.infra and models, never handlers, "
          "bot.runtime, bot.devtools or the command line; the runtime starts the jobs"),
    Layer("handlers", ("handlers",), (*BELOW_JOBS, "jobs"), (),
          "Telegram adapters ({package}) may import bot.core, the domain packages, bot.infra, models and bot.jobs, "
          "never bot.runtime, bot.devtools or the command line; the runtime wires the handlers"),
    Layer("runtime", ("bot.runtime",), (*BELOW_JOBS, "jobs", "handlers"), (),
          "the application factory ({package}) may import every layer up to handlers, never bot.devtools or the "
          "command line; those start the runtime"),
    Layer("devtools", ("bot.devtools",), (*BELOW_JOBS, "jobs", "handlers", "runtime", "telegram stand-in"), (),
          "developer tools ({package}) may import bot.runtime and the layers below it, never the command line"),
    Layer("telegram stand-in", ("bot.devtools.telegram_standin",), (), (),
          "the local Bot API stand-in ({package}) imports nothing of the project: it plays Telegram's servers, "
          "so it must not know the bot it serves"),
    Layer("command line", ("bot.cli", "bot.__main__"), PRODUCT, (),
          "the command line ({package}) may import any product package, never tests",
          owns_exactly=("bot",)),
    Layer("benchmarks", ("benchmarks",), (*PRODUCT, "test harnesses"), (),
          "benchmarks may import only the product packages and tests.support, never other tests modules"),
)
# Imported by the layers above, not checked here: Alembic's scripts and the test code.
OTHER_OWNERS = (
    Layer("migrations", ("migrations",), (), (), ""),
    Layer("test harnesses", ("tests.support",), (), (), ""),
    Layer("tests", ("tests",), (), (), ""),
)

CHECKED_DIRS = ("bot", "handlers", "models", "benchmarks")
CYCLE_DIRS = (*CHECKED_DIRS, "migrations", "tests")
PROJECT_TOP = {"bot", "handlers", "models", "migrations", "benchmarks", "tests"}
MAX_LINES = 600
MAX_BOT_TOP_LEVEL = 4


@dataclass(frozen=True)
class Import:
    target: str
    line: int


def _owns(layer: Layer, module: str) -> str | None:
    """The prefix of `layer` that `module` falls under, if any."""
    matches = [p for p in layer.owns if module == p or module.startswith(p + ".")]
    matches += [p for p in layer.owns_exactly if module == p]
    return max(matches, key=len, default=None)


def owner(module: str) -> tuple[Layer, str] | None:
    """The layer a module belongs to and the package prefix that put it there (the longest one wins)."""
    found = [(layer, p) for layer in (*LAYERS, *OTHER_OWNERS) if (p := _owns(layer, module)) is not None]
    return max(found, key=lambda pair: len(pair[1]), default=None)


def _is_project_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def read_imports(source: str, module: str, is_package: bool) -> list[Import]:
    """Every module `source` imports, wherever the import statement sits; `from a import b` names a.b if b is a
    module of the project."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append(Import(submodule if _is_project_module(submodule) else base, node.lineno))
    return sorted(set(found), key=lambda i: (i.line, i.target))


def broken_rule(module: str, target: str) -> str | None:
    """The rule `module` breaks by importing `target`, in words, or None if the import is allowed."""
    home = owner(module)
    if home is None:
        return None
    layer, package = home
    top = target.partition(".")[0]
    if top in PROJECT_TOP:
        there = owner(target)
        allowed = there is not None and (there[0] is layer or there[0].name in layer.may_import)
    else:
        banned_telegram = TELEGRAM in layer.never and top == "telegram"
        banned_sql = SQL in layer.never and top.startswith(("sqlalchemy", "sqlmodel"))
        allowed = not (banned_telegram or banned_sql)
    return None if allowed else layer.rule.format(package=package)


def violations(path: str, module: str, imports: list[Import]) -> list[str]:
    return [f"{path}:{i.line} imports {i.target}: {rule}" for i in imports
            if (rule := broken_rule(module, i.target)) is not None]


@dataclass(frozen=True)
class SourceModule:
    path: str  # relative to ROOT, with forward slashes
    name: str
    imports: list[Import]


def _python_files(top: str) -> list[Path]:
    return sorted(p for p in (ROOT / top).rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules(tops: tuple[str, ...]) -> tuple[SourceModule, ...]:
    found = []
    for top in tops:
        for path in _python_files(top):
            name = _module_name(path)
            imports = read_imports(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")
            found.append(SourceModule(path.relative_to(ROOT).as_posix(), name, imports))
    return tuple(found)


@pytest.mark.parametrize("layer", LAYERS, ids=lambda layer: layer.name)
def test_layer_rule(layer: Layer) -> None:
    found = [v for m in modules(CHECKED_DIRS) if (home := owner(m.name)) and home[0] is layer
             for v in violations(m.path, m.name, m.imports)]
    assert not found, f"{len(found)} import(s) break the {layer.name} rule:\n" + "\n".join(found)


def test_every_module_belongs_to_a_layer() -> None:
    """A new package under bot/ must be placed in LAYERS, or the rules above would never look at it."""
    lost = [m.path for m in modules(CHECKED_DIRS) if (home := owner(m.name)) is None or home[0] not in LAYERS]
    assert not lost, "modules in no layer (add their package to LAYERS in tests/test_layers.py):\n" + "\n".join(lost)


def find_cycle(graph: dict[str, dict[str, str]]) -> list[str] | None:
    """One shortest cycle of `graph` (node -> {neighbour: where the edge comes from}), as [a, b, ..., a]."""
    best: list[str] | None = None
    for start in sorted(graph):
        came_from = {start: start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for nxt in sorted(graph.get(node, {})):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    cycle = [start, *reversed(path[:-1]), start]
                    if best is None or len(cycle) < len(best):
                        best = cycle
                    queue.clear()
                    break
                if nxt not in came_from:
                    came_from[nxt] = node
                    queue.append(nxt)
    return best


def describe_cycle(cycle: list[str], graph: dict[str, dict[str, str]]) -> str:
    steps = [f"{a} -> {b} ({graph[a][b]})" for a, b in zip(cycle, cycle[1:])]
    return "\n".join(steps)


def module_graph(found: tuple[SourceModule, ...]) -> dict[str, dict[str, str]]:
    """Edges go to the module an import names, not the packages around it: a package `__init__` that gathers its
    modules (handlers/__init__.py) would otherwise make each of them look circular."""
    names = {m.name for m in found}
    graph: dict[str, dict[str, str]] = {}
    for m in found:
        edges = graph.setdefault(m.name, {})
        for i in m.imports:
            if i.target in names and i.target != m.name:
                edges.setdefault(i.target, f"{m.path}:{i.line}")
    return graph


def test_no_import_cycle_between_modules() -> None:
    graph = module_graph(modules(CYCLE_DIRS))
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle:\n" + describe_cycle(cycle, graph)


def test_no_import_cycle_between_domain_packages() -> None:
    """Domain packages may import each other, but in one direction only."""
    graph: dict[str, dict[str, str]] = {}
    for m in modules(CHECKED_DIRS):
        here = owner(m.name)
        if here is None or here[0].name != "domain":
            continue
        for i in m.imports:
            there = owner(i.target)
            if there is not None and there[0].name == "domain" and there[1] != here[1]:
                graph.setdefault(here[1], {}).setdefault(there[1], f"{m.path}:{i.line} imports {i.target}")
    cycle = find_cycle(graph)
    assert cycle is None, "domain packages import each other in a cycle:\n" + describe_cycle(cycle, graph)


def _files_outside_tests() -> list[Path]:
    skipped = {"tests", "__pycache__", "build", "dist", "node_modules", "venv"}
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skipped and not d.startswith(".") and not d.endswith(".egg-info")]
        found += [Path(folder, f) for f in files if f.endswith(".py")]
    return sorted(found)


def test_modules_outside_tests_stay_short() -> None:
    long = [f"{p.relative_to(ROOT).as_posix()}: {n} lines" for p in _files_outside_tests()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, f"modules over {MAX_LINES} lines (split them by what they do):\n" + "\n".join(long)


def test_bot_keeps_few_top_level_modules() -> None:
    """bot/ holds packages; only the entry points (__init__, __main__, cli) sit at its top."""
    top = sorted(p.name for p in (ROOT / "bot").glob("*.py"))
    assert len(top) <= MAX_BOT_TOP_LEVEL, f"bot/ has {len(top)} top-level modules, at most {MAX_BOT_TOP_LEVEL}: {top}"


TEST_FOLDERS_OF_THEIR_OWN = {"support": "harnesses, fakes and the simulated user", "e2e": "the real bot process"}


def test_tests_mirror_the_tree() -> None:
    """tests/<name>/ tests bot/<name>/ (or models/, handlers/): where a test lives says what it tests."""
    product = {p.name for p in (ROOT / "bot").iterdir() if (p / "__init__.py").is_file()} | {"models", "handlers"}
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name != "__pycache__"}
    stray = sorted(folders - product - TEST_FOLDERS_OF_THEIR_OWN.keys())
    assert not stray, f"tests/ folders that name no package of the product: {stray}"
    unpackaged = sorted(f for f in folders if not (ROOT / "tests" / f / "__init__.py").is_file())
    assert not unpackaged, f"tests/ folders without __init__.py (their modules' names would clash): {unpackaged}"
    loose = sorted(p.name for p in (ROOT / "tests").glob("test_*.py"))
    assert loose == ["test_layers.py", "test_lint.py"], f"tests/ top holds only the whole-tree checks, not {loose}"


def shared_test_code_violations(found: tuple[SourceModule, ...]) -> list[str]:
    """Test modules share code only through tests.support, which imports no test module itself."""
    return [f"{m.path}:{i.line} imports {i.target}: tests share helpers through tests/support/, not through "
            "another test module or a conftest"
            for m in found for i in m.imports
            if i.target.startswith("tests.") and not i.target.startswith("tests.support")]


def test_tests_share_code_only_through_support() -> None:
    found = shared_test_code_violations(modules(("tests",)))
    assert not found, "\n".join(found)


# The checker itself: each case must be caught, so the tests above cannot pass by reading nothing.

def _check(path: str, source: str) -> list[str]:
    name = _module_name(ROOT / path)
    return violations(path, name, read_imports(source, name, path.endswith("__init__.py")))


def test_checker_catches_a_domain_module_importing_models() -> None:
    found = _check("bot/pledges/rules.py", "import math\n\nfrom models.pledge import Pledge\n")
    assert found == ["bot/pledges/rules.py:3 imports models.pledge: " + LAYERS[1].rule.format(package="bot.pledges")]


def test_checker_catches_lazy_and_type_checking_imports_in_core() -> None:
    source = ("from typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n"
              "    from telegram import Bot\n"
              "def f():\n"
              "    import sqlmodel\n"
              "    from sqlalchemy.orm import Session\n"
              "    from bot.infra import database\n")
    found = _check("bot/core/money.py", source)
    assert [v.split(":")[1].split(" ")[0] for v in found] == ["3", "5", "6", "7"]
    assert found[0].startswith("bot/core/money.py:3 imports telegram: the common core (bot.core) must not import")
    assert "bot/core/money.py:7 imports bot.infra.database:" in found[3]


def test_checker_resolves_relative_imports() -> None:
    source = "from . import views\nfrom ..infra import database\nfrom .. import jobs\nfrom .rules import x\n"
    found = _check("bot/pledges/sponsor_flow.py", source)
    assert [v.split(":")[1].split(": ")[0] for v in found] == ["2 imports bot.infra.database", "3 imports bot.jobs"]


def test_checker_keeps_the_telegram_standin_apart() -> None:
    assert _check("bot/devtools/telegram_standin/methods.py", "from bot.core.i18n import Translator\n")
    assert _check("bot/devtools/telegram_standin/server.py", "from .methods import BotApiMethods\n") == []
    assert _check("bot/devtools/console.py", "from bot.devtools import telegram_standin\n") == []
    assert _check("bot/devtools/console.py", "from bot.cli import main\n")


def test_checker_lets_benchmarks_use_only_the_test_harnesses() -> None:
    assert _check("benchmarks/x_bench.py", "from tests.support.botproc import BotProcess\nimport bot.cli\n") == []
    found = _check("benchmarks/x_bench.py", "from tests.e2e.conftest import bot\n")
    assert found and "never other tests modules" in found[0]


def test_checker_catches_a_test_importing_another_test() -> None:
    imports = read_imports("from tests.e2e.test_pledges import make_pledge\nfrom tests.support import bulk\n",
                           "tests.e2e.test_reminders", False)
    found = shared_test_code_violations((SourceModule("tests/e2e/test_reminders.py", "x", imports),))
    assert found == ["tests/e2e/test_reminders.py:1 imports tests.e2e.test_pledges: tests share helpers through "
                     "tests/support/, not through another test module or a conftest"]


def test_checker_finds_a_cycle_and_its_path() -> None:
    graph = {"a": {"b": "a.py:1"}, "b": {"c": "b.py:2"}, "c": {"a": "c.py:3", "d": "c.py:4"}, "d": {}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert describe_cycle(["a", "b", "c", "a"], graph).splitlines()[-1] == "c -> a (c.py:3)"
    assert find_cycle({"a": {"b": "a.py:1"}, "b": {}}) is None
