"""The house rules of the layout, checked: the folder says which code may know HTTP, a capability that outgrows a
module becomes a package (never `x.py` beside `x_more.py`), and no import cycle."""
import ast
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parent.parent / "course"
TESTS = Path(__file__).resolve().parent
# Outside course/web/ and course/cli/ (the command line), only these may import Flask or its extensions:
# the factory, the extensions themselves and the user model (Flask-Login's UserMixin).
MAY_IMPORT_FLASK = {Path("__init__.py"), Path("extensions.py"), Path("models/learning.py")}


def imports(path: Path) -> list[str]:
    """Modules a file imports at run time (imports under `if TYPE_CHECKING:` do not count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            skip.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


DOMAIN = [p for p in sorted(COURSE.rglob("*.py")) if p.relative_to(COURSE).parts[0] not in ("web", "cli")
          and p.relative_to(COURSE) not in MAY_IMPORT_FLASK]


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: str(p.relative_to(COURSE)))
def test_domain_code_knows_no_http(path):
    # werkzeug.security is password hashing, not HTTP.
    flask = [m for m in imports(path) if m.split(".")[0] in ("flask", "flask_login", "flask_wtf")
             or (m.startswith("werkzeug") and m != "werkzeug.security") or m.startswith("course.web")]
    assert not flask, f"{path.relative_to(COURSE)} imports {flask}: move the HTTP part to course/web/"


def test_no_capability_is_split_by_a_file_name_prefix():
    # records.py beside records_view.py is a package in disguise: make it records/ with a clear face.
    for path in sorted(COURSE.rglob("*_*.py")):
        if path.name.startswith("__"):
            continue
        stem = path.stem.split("_")[0]
        assert not (path.parent / f"{stem}.py").exists(), f"{path.relative_to(COURSE)} beside {stem}.py: make {stem}/ a package"


@pytest.mark.parametrize("path", sorted(COURSE.rglob("*.py")), ids=lambda p: str(p.relative_to(COURSE)))
def test_a_module_that_outgrows_one_job_becomes_a_package(path):
    # About 300 lines is one job; past 400 split by capability into a package (not by line count into x_more.py).
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, f"{path}: split it by capability into a package"


def test_views_do_not_import_each_other():
    for path in (COURSE / "web" / "views").glob("*.py"):
        others = [m for m in imports(path) if m.startswith("course.web.views")]
        assert not others, f"{path.name} imports {others}: shared helpers belong in course/web/helpers.py"


def test_tests_do_not_import_other_test_modules():
    for path in TESTS.glob("*.py"):
        others = [m for m in imports(path) if m.startswith("test_")]
        assert not others, f"{path.name} imports {others}: shared helpers and factories belong in conftest.py"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(COURSE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_time_imports(path: Path) -> set[str]:
    """course.* modules a file imports when it is imported: module level (class bodies and ifs too), not in functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]

    def visit(nodes):
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)  # a submodule, if it is one
            visit(list(ast.iter_child_nodes(node)))

    visit(tree.body)
    return {name for name in found if name == "course" or name.startswith("course.")}


def test_no_import_cycle():
    # Checked statically (no interpreter per module): importing a.b.c runs a and a.b first, so each import
    # is an edge to the module and to every package above it, except the packages the importing module is
    # itself inside (Python has started those before it). Imports inside functions run later: no edge.
    modules = {module_name(p): p for p in COURSE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        own = name.split(".")
        inside = {".".join(own[:i]) for i in range(1, len(own))}
        edges = set()
        for target in import_time_imports(path):
            parts = target.split(".")
            chain = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
            edges.update(m for m in chain if m in modules and (m == target or m not in inside))
        graph[name] = edges - {name}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def strongconnect(node: str) -> None:  # Tarjan
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                strongconnect(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            strongconnect(node)
    assert not cycles, f"import cycles: {cycles}"
