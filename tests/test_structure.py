"""The rules the layout keeps, read from the source with `ast` (nothing is imported).

- no import cycle between the modules of registry/ and cli/ (imports inside functions
  count as much as those at the top of a module);
- registry/ never imports click, cli/ never imports sqlalchemy;
- no module of registry/ or cli/ over 400 lines, no function over 60 (def line to last);
- nothing imports a bare top-level `registry`, `cli`, `fixtures` or `migrations`;
- every package under registry/ and cli/ is listed in setup.cfg, and every listed one exists;
- heavy modules are imported only inside the functions that use them.

Module names are the installed ones: registry/compliance/standing.py is
`mbp_registry.registry.compliance.standing`. `from package import name` depends on the
submodule `package.name` when there is one, otherwise on the package's __init__.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import itertools
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "mbp_registry"
SOURCE_FOLDERS = ("registry", "cli")
# Every folder that holds Python code of the project, for the rules about imports.
CODE_FOLDERS = ("registry", "cli", "migrations", "fixtures", "tests", "benchmarks")
GENERIC_NAMES = {"registry", "cli", "fixtures", "migrations"}
HEAVY_MODULES = {"networkx", "matplotlib", "openpyxl", "jinja2", "alembic"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


@dataclass(frozen=True)
class Import:
    """One imported module: `target` absolute, `names` what a from-import takes, and
    whether it runs when the module is imported (not inside a function, nor only for
    type checkers)."""

    target: str
    names: tuple[str, ...]
    line: int
    at_import_time: bool


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"

    @property
    def where(self) -> str:
        return self.path.relative_to(ROOT).as_posix()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([DISTRIBUTION, *parts])


def _python_files(folder: str) -> list[Path]:
    return sorted(path for path in (ROOT / folder).rglob("*.py") if "__pycache__" not in path.parts)


@cache
def _modules(folders: tuple[str, ...]) -> dict[str, Module]:
    modules = {}
    for folder in folders:
        for path in _python_files(folder):
            modules[_module_name(path)] = Module(_module_name(path), path, ast.parse(path.read_bytes(), str(path)))
    return modules


def _run_at_import_time(tree: ast.Module) -> Iterator[ast.stmt]:
    """Every statement that runs when the module is imported: bodies of if, try, with and
    class included; bodies of functions and of `if TYPE_CHECKING:` not."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            pending.extend(node.orelse)
            continue
        yield node
        for field in ("body", "orelse", "finalbody", "handlers"):
            pending.extend(getattr(node, field, []))
        pending.extend(case for match_case in getattr(node, "cases", []) for case in match_case.body)


def _imports(module: Module) -> list[Import]:
    """Every import statement of a module, wherever it stands, relative ones resolved."""
    top = {id(node) for node in _run_at_import_time(module.tree)}
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, (), node.lineno, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            found.append(Import(_absolute(module, node), names, node.lineno, id(node) in top))
    return found


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".") if module.is_package else module.name.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _dependencies(module: Module, known: dict[str, Module]) -> dict[str, int]:
    """The project modules `module` imports, each with the first line that does it."""
    depends: dict[str, int] = {}
    for imported in _imports(module):
        targets = [f"{imported.target}.{name}" for name in imported.names if f"{imported.target}.{name}" in known]
        if len(targets) < len(imported.names) or not imported.names:
            targets.append(imported.target)
        for target in targets:
            if target in known and target != module.name:
                depends.setdefault(target, imported.line)
    return depends


def _cycles(graph: dict[str, dict[str, int]], most: int = 50) -> list[list[str]]:
    """The elementary cycles of the graph, at most `most` of them, shortest first."""
    import networkx as nx

    digraph = nx.DiGraph([(a, b) for a, targets in graph.items() for b in targets])
    cycles = itertools.islice(nx.simple_cycles(digraph), 10 * most)
    return sorted((_rotated(cycle) for cycle in cycles), key=lambda cycle: (len(cycle), cycle))[:most]


def _rotated(cycle: list[str]) -> list[str]:
    """The cycle starting from its first module in name order, that module repeated at the end."""
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[: first + 1]


def _assert_none(offenders: list[str], what: str) -> None:
    assert not offenders, f"{what}:\n" + "\n".join(offenders)


def _short(name: str) -> str:
    return name.removeprefix(DISTRIBUTION + ".")


def test_no_import_cycle_between_modules():
    modules = _modules(SOURCE_FOLDERS)
    graph = {name: _dependencies(module, modules) for name, module in modules.items()}
    cycles = _cycles(graph)
    described = [
        " -> ".join(f"{_short(a)} (line {graph[a][b]})" for a, b in zip(cycle, cycle[1:])) + f" -> {_short(cycle[-1])}"
        for cycle in cycles
    ]
    assert not cycles, "import cycles (each import named by its first line):\n" + "\n".join(described)


def _offending_imports(folder: str, banned: set[str], *, at_import_time_only: bool = False) -> list[str]:
    """path:line: module of every import in `folder` of a module of the `banned` packages."""
    found = []
    for module in _modules((folder,)).values():
        for imported in _imports(module):
            if imported.target.split(".")[0] in banned and (imported.at_import_time or not at_import_time_only):
                found.append(f"{module.where}:{imported.line}: {imported.target}")
    return found


def test_the_library_never_imports_click():
    _assert_none(_offending_imports("registry", {"click"}), "registry/ imports click")


def test_the_commands_never_import_sqlalchemy():
    _assert_none(_offending_imports("cli", {"sqlalchemy"}), "cli/ imports sqlalchemy")


def test_no_module_of_the_library_or_the_commands_is_over_400_lines():
    too_long = [
        f"{module.where}: {lines} lines"
        for module in _modules(SOURCE_FOLDERS).values()
        if (lines := len(module.path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    _assert_none(too_long, f"modules over {MAX_MODULE_LINES} lines")


def test_no_function_is_over_60_lines():
    too_long = [
        f"{module.where}:{node.name}:{node.end_lineno - node.lineno + 1}"
        for module in _modules(SOURCE_FOLDERS).values()
        for node in ast.walk(module.tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    _assert_none(too_long, f"functions over {MAX_FUNCTION_LINES} lines (path:name:lines)")


def test_nothing_imports_a_generic_top_level_package():
    found = []
    for folder in CODE_FOLDERS:
        found += _offending_imports(folder, GENERIC_NAMES)
    _assert_none(found, "imports of a bare generic package instead of mbp_registry.<package>")


def test_heavy_modules_are_imported_only_inside_functions():
    found = []
    for folder in SOURCE_FOLDERS:
        found += _offending_imports(folder, HEAVY_MODULES, at_import_time_only=True)
    _assert_none(found, "heavy modules imported at module level")


def _setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    return config


def _listed(config: configparser.ConfigParser, option: str) -> list[str]:
    return [line.strip() for line in config["options"][option].splitlines() if line.strip()]


def _package_dirs(config: configparser.ConfigParser) -> dict[str, str]:
    """setup.cfg's package_dir: installed package -> source folder."""
    return dict(line.replace(" ", "").split("=") for line in _listed(config, "package_dir"))


def test_every_package_is_listed_in_setup_cfg():
    listed = set(_listed(_setup_cfg(), "packages"))
    folders = {path.parent for folder in SOURCE_FOLDERS for path in _python_files(folder)}
    packages = sorted(_module_name(folder / "__init__.py") for folder in folders)
    not_packages = sorted(
        folder.relative_to(ROOT).as_posix() for folder in folders if not (folder / "__init__.py").is_file()
    )
    not_listed = [name for name in packages if name not in listed]
    _assert_none(not_packages, "folders of code without an __init__.py")
    _assert_none(not_listed, "packages missing from setup.cfg's packages")


def test_every_package_listed_in_setup_cfg_exists():
    config = _setup_cfg()
    folders = _package_dirs(config)
    missing = []
    for package in _listed(config, "packages"):
        tops = [name for name in folders if package == name or package.startswith(name + ".")]
        top = max(tops, key=len, default=None)
        if top is None:
            missing.append(f"{package}: no package_dir entry")
            continue
        folder = ROOT / folders[top] / Path(*package.removeprefix(top).split(".")[1:])
        if not (folder / "__init__.py").is_file():
            missing.append(f"{package}: no {folder.relative_to(ROOT).as_posix()}/__init__.py")
    _assert_none(missing, "packages listed in setup.cfg that do not exist")


# --- what `pip install .` installs


def _source_files(folder: Path) -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Iterator[tuple[zipfile.ZipFile, dict[str, Path]]]:
    """A wheel built from a copy of the project (so that the checkout gets no build
    folder), and the copied source folder of each installed package."""
    folders = _package_dirs(_setup_cfg())
    source = tmp_path_factory.mktemp("source")
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in folders.values():
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("wheel")
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(source)]
    # With this environment's setuptools (fast, offline); where it is too old, as
    # `pip install .` builds: in an isolated environment with pyproject.toml's requirements.
    built = subprocess.run([*build, "--no-build-isolation"], capture_output=True, text=True, timeout=120)
    if built.returncode != 0:
        isolated = subprocess.run(build, capture_output=True, text=True, timeout=300)
        assert isolated.returncode == 0, built.stderr + isolated.stderr
    (path,) = out.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive, {package: source / folder for package, folder in folders.items()}


def test_the_wheel_installs_nothing_generic_at_the_top(wheel):
    archive, _ = wheel
    top = {name.split("/")[0] for name in archive.namelist()}
    dist_info = {name for name in top if name.endswith(".dist-info")}
    assert len(dist_info) == 1
    assert top - dist_info == {DISTRIBUTION}


def test_the_wheel_holds_every_file_of_the_source_folders(wheel):
    archive, folders = wheel
    names = set(archive.namelist())
    missing = [
        f"{folder.name}/{file}"
        for package, folder in folders.items()
        for file in sorted(_source_files(folder))
        if f"{package.replace('.', '/')}/{file}" not in names
    ]
    _assert_none(missing, "source files the wheel leaves out")
    # The data the commands read at run time, named so that an empty folder cannot pass.
    for pattern in (
        "mbp_registry/fixtures/demo/*.csv",
        "mbp_registry/migrations/versions/*.py",
        "mbp_registry/migrations/script.py.mako",
        "mbp_registry/registry/*policies/*.toml",
        "mbp_registry/registry/*templates/*.j2",
    ):
        assert fnmatch.filter(names, pattern), pattern


def test_the_wheel_declares_the_console_script(wheel):
    archive, _ = wheel
    (entry_points,) = [name for name in archive.namelist() if name.endswith(".dist-info/entry_points.txt")]
    config = configparser.ConfigParser()
    config.read_string(archive.read(entry_points).decode())
    assert dict(config["console_scripts"]) == {"mbp-registry": "mbp_registry.cli.main:main"}


def test_the_installed_command_runs_from_any_folder(tmp_path):
    console_script = Path(sys.executable).parent / "mbp-registry"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [str(console_script), "--help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: mbp-registry [OPTIONS] COMMAND [ARGS]...")
