"""Layout rules that neither ruff, mypy nor import-linter states: run by `make lint`.

1. No Python module outside migrations is longer than 500 lines (tests and benchmarks included).
2. Every mypy ignore comment (type-colon-ignore with its code) says why, in a comment after it on the
   same line.
3. No test skips itself when a Pelatis module does not import (pytest's importorskip on "pelatis…").
4. A template uses the template tags, URL names and partial templates of its own app and of the apps
   below it in the dependency layers (the first import-linter contract in pyproject.toml), plus
   Django's own tags and the site shell's documented extension points (SHELL_TEMPLATES). An app's
   contribution to another app's page is its own template, rendered by its own hooks.py function.

Prints one line per finding and exits 1 when there is any.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pelatis"
MAX_LINES = 500
PYTHON_TREES = ("pelatis", "tests", "bench", "scripts")

# The site shell's templates that every app's pages build on (documented in DESIGN.md: `web`
# assembles the site): the page frame, the plain public frame, the email frame and its parts.
SHELL_TEMPLATES = {
    "web/base.html",
    "web/_plain.html",
    "web/_messages.html",
    "web/_language_switch.html",
    "web/email/_header.html",
    "web/email/_footer.html",
    "web/email/_footer.txt",
}
# URL names without a namespace are the shell's own (log-in, log-out, language, home, status).
SHELL_URL_NAMES = {"home", "login", "logout", "set_language", "status", "getting_started_dismiss"}
DJANGO_NAMESPACES = {"admin"}

TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?(?P<rest>.*)$")
IMPORTORSKIP = re.compile(r"importorskip\(\s*['\"]pelatis")
LOAD = re.compile(r"\{%\s*load\s+([^%]+?)\s*%\}")
URL = re.compile(r"\{%\s*url\s+['\"]([^'\"]+)['\"]")
TEMPLATE_REF = re.compile(r"\{%\s*(?:include|extends)\s+['\"]([^'\"]+)['\"]")


def python_files() -> Iterator[Path]:
    for tree in PYTHON_TREES:
        for path in sorted((ROOT / tree).rglob("*.py")):
            if "migrations" not in path.parts and "node_modules" not in path.parts:
                yield path


def check_python() -> list[str]:
    found = []
    for path in python_files():
        rel = path.relative_to(ROOT)
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_LINES:
            found.append(f"{rel}: {len(lines)} lines (at most {MAX_LINES}): split it by subject")
        for number, line in enumerate(lines, 1):
            match = TYPE_IGNORE.search(line)
            if match and not re.match(r"\s*#\s*\S", match.group("rest")):
                found.append(f"{rel}:{number}: a type: ignore without a reason comment after it")
            if IMPORTORSKIP.search(line):
                found.append(f"{rel}:{number}: importorskip on a Pelatis module: an import break must fail")
    return found


def layers() -> list[set[str]]:
    """The apps of each layer, top first, from the layers contract in pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [{m.strip().removeprefix("pelatis.") for m in layer.split("|")} for layer in contract["layers"]]


def allowed_apps() -> dict[str, set[str]]:
    """For each app, the apps whose tags, URLs and partials its templates may use: itself and those below."""
    order = layers()
    allowed: dict[str, set[str]] = {}
    for index, layer in enumerate(order):
        below = set().union(*order[index + 1 :]) if index + 1 < len(order) else set()
        for app in layer:
            allowed[app] = {app} | below
    return allowed


def tag_libraries() -> dict[str, str]:
    return {
        lib.stem: lib.parent.parent.name
        for lib in PACKAGE.glob("*/templatetags/*.py")
        if lib.stem != "__init__"
    }


def url_namespaces() -> dict[str, str]:
    """URL namespace → app, from each app's ``app_name`` and the namespaces ``include()`` gives."""
    owners: dict[str, str] = {}
    for urls in PACKAGE.glob("*/*urls*.py"):
        text = urls.read_text(encoding="utf-8")
        for name in re.findall(r"^app_name\s*=\s*['\"]([^'\"]+)['\"]", text, re.M):
            owners.setdefault(name, urls.parent.name)
    return owners


def template_files() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.glob("*/templates/**/*")):
        if path.is_file() and path.suffix in {".html", ".txt"}:
            yield path.relative_to(PACKAGE).parts[0], path


def check_templates() -> list[str]:
    allowed = allowed_apps()
    libraries = tag_libraries()
    namespaces = url_namespaces()
    templates = {p.relative_to(PACKAGE / app / "templates").as_posix(): app for app, p in template_files()}
    found = []
    for app, path in template_files():
        rel = path.relative_to(ROOT)
        may_use = allowed.get(app, {app})
        text = path.read_text(encoding="utf-8")
        for match in LOAD.finditer(text):
            words = match.group(1).split()
            names = words[words.index("from") + 1 :] if "from" in words else words
            for name in names:
                owner = libraries.get(name)
                if owner is not None and owner not in may_use:
                    found.append(f"{rel}: loads {name!r}, the template tags of {owner}")
        for match in URL.finditer(text):
            name = match.group(1)
            if ":" not in name:
                if name not in SHELL_URL_NAMES:
                    found.append(f"{rel}: URL name {name!r} has no namespace")
                continue
            namespace = name.split(":", 1)[0]
            owner = namespaces.get(namespace)
            if namespace in DJANGO_NAMESPACES:
                continue
            if owner is None:
                found.append(f"{rel}: URL namespace {namespace!r} is not declared by any app (app_name)")
            elif owner not in may_use:
                found.append(f"{rel}: uses the URL {name!r} of {owner}")
        for match in TEMPLATE_REF.finditer(text):
            name = match.group(1)
            owner = templates.get(name)
            if owner is None or owner in may_use or name in SHELL_TEMPLATES:
                continue
            found.append(f"{rel}: includes {name!r}, a template of {owner}")
    return found


def main() -> int:
    findings = check_python() + check_templates()
    for line in findings:
        print(line)
    if findings:
        print(f"{len(findings)} layout findings (see scripts/check_layout.py for the rules)", file=sys.stderr)
        return 1
    print("layout: modules, type ignores, importorskip and template reach all hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
