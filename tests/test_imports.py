"""The package's architecture: no import cycle, and the modules that need no TensorFlow
(labhelpers.WITHOUT_TENSORFLOW, the command line's --help among them) never load it."""

import ast
import subprocess
import sys
from pathlib import Path

import labhelpers

PACKAGE = Path(labhelpers.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_graph() -> dict[str, set[str]]:
    """Each module's imports of other labhelpers modules, at the top or inside a function."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:  # `from . import exact2d` names a module
                    found.add(
                        f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target
                    )
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("labhelpers"):
                found.add(node.module)
        graph[name] = {m for m in found if m in modules and m not in (name, "labhelpers")}
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, or None (depth-first search)."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt, path + [nxt])):
                return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_no_import_cycle():
    graph = imports_graph()
    assert graph["labhelpers.runs"] >= {"labhelpers.files", "labhelpers.spec"}  # it reads
    assert graph["labhelpers.spec"] >= {"labhelpers.methods"}
    found = cycle(graph)
    assert found is None, " -> ".join(found)


def test_the_cycle_finder_finds_one():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None


def test_modules_without_tensorflow_and_the_command_lines_help_load_none():
    code = (
        "import sys\n"
        "import labhelpers\n"
        "for name in sorted(labhelpers.WITHOUT_TENSORFLOW):\n"
        "    __import__(f'labhelpers.{name}')\n"
        "from labhelpers.tools import cli\n"
        "assert cli.main(['--list-methods']) == 0\n"
        "for argv in (['--help'], ['wgan', '--beta-1', '0']):  # help; a setting RunSpec refuses\n"
        "    try:\n"
        "        cli.parse_args(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "loaded = sorted(m for m in ('tensorflow', 'keras') if m in sys.modules)\n"
        "print('loaded:', loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "loaded: []"
    assert "wgan wgan-gp gan" in done.stdout
