"""The house rules of the layout, checked: the folder says which code may know HTTP, modules stay small."""
import ast
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parent.parent / "course"
TESTS = Path(__file__).resolve().parent
# Outside course/web/, only these may import Flask or its extensions: the factory, the extensions
# themselves, the models (Flask-Login's UserMixin) and the command line.
MAY_IMPORT_FLASK = {"__init__.py", "extensions.py", "models.py", "cli.py", "cli_certificates.py"}


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


DOMAIN = [p for p in COURSE.rglob("*.py") if "web" not in p.relative_to(COURSE).parts[:1]
          and not (p.parent == COURSE and p.name in MAY_IMPORT_FLASK)]


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: str(p.relative_to(COURSE)))
def test_domain_code_knows_no_http(path):
    # werkzeug.security is password hashing, not HTTP.
    flask = [m for m in imports(path) if m.split(".")[0] in ("flask", "flask_login", "flask_wtf")
             or (m.startswith("werkzeug") and m != "werkzeug.security") or m.startswith("course.web")]
    assert not flask, f"{path.relative_to(COURSE)} imports {flask}: move the HTTP part to course/web/"


@pytest.mark.parametrize("path", sorted(COURSE.rglob("*.py")), ids=lambda p: str(p.relative_to(COURSE)))
def test_no_module_is_over_about_300_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 320, path


def test_views_do_not_import_each_other():
    for path in (COURSE / "web" / "views").glob("*.py"):
        others = [m for m in imports(path) if m.startswith("course.web.views")]
        assert not others, f"{path.name} imports {others}: shared helpers belong in course/web/helpers.py"


def test_tests_do_not_import_other_test_modules():
    for path in TESTS.glob("*.py"):
        others = [m for m in imports(path) if m.startswith("test_")]
        assert not others, f"{path.name} imports {others}: shared helpers and factories belong in conftest.py"


IMPORT_EACH_FIRST = """
import importlib, pkgutil, sys
import course
failed = []
for name in sorted(m.name for m in pkgutil.walk_packages(course.__path__, "course.")):
    for loaded in [m for m in sys.modules if m == "course" or m.startswith("course.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ImportError as error:
        failed.append(f"{name}: {error}")
print("\\n".join(failed))
"""


def test_every_module_imports_on_its_own():
    # An import cycle shows only when the wrong module is imported first (a script, a shell, a new
    # test): import each module of course/ as the first one, in a fresh set of modules.
    import subprocess
    import sys
    result = subprocess.run([sys.executable, "-c", IMPORT_EACH_FIRST], capture_output=True, text=True,
                            cwd=COURSE.parent, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "", "modules that fail when imported first (an import cycle):\n" + result.stdout
