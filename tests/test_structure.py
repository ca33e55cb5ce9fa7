"""Structure rules, checked by walking the source: no library module imports click, there are
no import cycles among NormSpace's modules, and the CLI loads command modules lazily.

Imports are read with ``ast`` (nothing is imported to find them), relative imports are
resolved against the importing module, and ``from package import name`` counts as an
import of ``package.name`` when that is a module (and of ``package`` only when some name is
not a module: importing a submodule needs its package started, not finished, which is why
``from . import identifiers`` inside a package is no cycle). Imports inside functions count too: a
deferred import only hides a cycle until the function runs, and it can then fail half-way
through initialisation. Only imports under ``if TYPE_CHECKING:`` are left out: they never
run.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import normspace
import normspace.cli.main

PACKAGE_DIR = Path(normspace.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under ``if TYPE_CHECKING:``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules (any, not only NormSpace's) that module ``name`` imports."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        if node.level:
            base = name.split(".") if is_package else name.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
        else:
            target = node.module or ""
        submodules = {f"{target}.{a.name}" for a in node.names} & known
        found.update(submodules)
        if len(submodules) < len(node.names):  # some names are attributes of ``target``
            found.add(target)
    return found


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    mods = modules()
    g = nx.DiGraph()
    for name, path in mods.items():
        g.add_node(name)
        for target in imports_of(name, path, set(mods)):
            g.add_edge(name, target)
    return g


def test_the_walker_sees_relative_and_deferred_imports(graph):
    """The walker itself: a relative import, a ``from package import module`` and an import
    inside a function are all edges (else the rules below could pass vacuously)."""
    assert graph.has_edge("normspace.cli.main", "normspace.errors")
    assert graph.has_edge("normspace.cli.run", "normspace.runjob")
    assert graph.has_edge("normspace.loading", "normspace.mappings")  # inside a function
    assert len(graph) > 40


def test_no_library_module_imports_click(graph):
    offenders = sorted(
        name
        for name in graph
        if name.startswith("normspace")
        and not name.startswith("normspace.cli")
        and any(t == "click" or t.startswith("click.") for t in graph.successors(name))
    )
    assert offenders == [], f"only normspace.cli may import click: {offenders}"


def test_no_import_cycles_among_normspace_modules(graph):
    own = graph.subgraph(n for n in graph if n.startswith("normspace"))
    cycles = sorted(sorted(c) for c in nx.strongly_connected_components(own) if len(c) > 1)
    assert cycles == [], "import cycles (break them by moving the shared part out): " + "; ".join(
        " <-> ".join(c) for c in cycles
    )


# ---------------------------------------------------------------------------
# The entry point: lazy commands and the guard
# ---------------------------------------------------------------------------


def _imported_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys; {code}; print(' '.join(sorted(sys.modules)))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return set(out)


def test_version_does_not_import_the_commands():
    loaded = _imported_after(
        "from normspace.cli.main import cli\n"
        "try:\n    cli(['--version'], prog_name='normspace')\nexcept SystemExit:\n    pass"
    )
    commands = {m for m in loaded if m.startswith("normspace.cli.") and m != "normspace.cli.main"}
    assert commands <= {"normspace.cli.options"}, commands
    assert not {"rdflib", "pyoxigraph", "pyshacl", "owlready2"} & loaded


def test_every_registered_command_loads_and_help_lists_it():
    from normspace.cli.main import COMMANDS

    result = CliRunner().invoke(normspace.cli.main.cli, ["--help"])
    assert result.exit_code == 0
    for name, _module, _attr in COMMANDS:
        assert f"\n  {name} " in result.output, name


def test_unknown_command_suggests_the_closest():
    from normspace.cli.main import cli

    result = CliRunner().invoke(cli, ["lod"])
    assert result.exit_code == 2
    assert "No such command 'lod'. Did you mean 'load'?" in result.output


@pytest.fixture
def broken_command(monkeypatch):
    """A registered command that fails with an exception no handler expects (a bug)."""
    import click

    from normspace.cli import main

    @click.command("explode")
    def explode() -> None:
        raise KeyError("value")

    group = main.cli
    monkeypatch.setitem(group.commands, "explode", main._with_verbosity(explode))
    return group


def test_guard_turns_an_unexpected_exception_into_one_line(broken_command):
    result = CliRunner().invoke(broken_command, ["explode"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: unexpected error (KeyError: 'value'); please report it at "
        "the NormSpace issue tracker (give the command and `normspace --version`); "
        "run with -v for the traceback"
    ]


@pytest.mark.parametrize("where", ["before", "after"])
def test_guard_shows_the_traceback_with_verbose(broken_command, where):
    args = ["-v", "explode"] if where == "before" else ["explode", "-v"]
    result = CliRunner().invoke(broken_command, args)
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.output
    assert 'raise KeyError("value")' in result.output
    assert result.output.rstrip().endswith("run with -v for the traceback")


def test_guard_also_covers_loading_a_command_for_help(monkeypatch):
    """A command module that cannot be imported breaks `--help` before any command runs;
    the guard answers there too, in one line."""
    from normspace.cli import main

    monkeypatch.setitem(main.cli.lazy, "ghost", ("no_such_module", "ghost"))
    result = CliRunner().invoke(main.cli, ["--help"])
    assert result.exit_code == 2
    assert "error: unexpected error (ModuleNotFoundError: No module named" in result.output
    assert "Traceback" not in result.output
