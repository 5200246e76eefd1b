"""The layout check in `make lint` (scripts/check_layout.py) catches what it promises to catch."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_layout.py"

PYPROJECT = """
[[tool.importlinter.contracts]]
name = "layers"
type = "layers"
layers = ["pelatis.web", "pelatis.helpdesk", "pelatis.customers", "pelatis.core"]
"""


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """check_layout pointed at a small tree: customers below helpdesk, each with tags and URLs."""
    spec = importlib.util.spec_from_file_location("check_layout_under_test", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    for app in ("customers", "helpdesk", "core", "web"):
        (tmp_path / "pelatis" / app / "templatetags").mkdir(parents=True)
        (tmp_path / "pelatis" / app / "templatetags" / f"{app}_ui.py").write_text("", encoding="utf-8")
        (tmp_path / "pelatis" / app / "urls.py").write_text(f'app_name = "{app}"\n', encoding="utf-8")
        (tmp_path / "pelatis" / app / "templates" / app).mkdir(parents=True)
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "PACKAGE", tmp_path / "pelatis")
    monkeypatch.setattr(module, "PYTHON_TREES", ("pelatis",))
    return module


def _template(root: Path, app: str, name: str, text: str) -> None:
    (root / "pelatis" / app / "templates" / app / name).write_text(text, encoding="utf-8")


def test_a_lower_app_template_may_not_use_a_higher_apps_tags_urls_or_partials(layout: ModuleType) -> None:
    root = layout.ROOT
    _template(root, "helpdesk", "_panel.html", "x")
    _template(
        root,
        "customers",
        "page.html",
        "{% load i18n core_ui helpdesk_ui %}<a href=\"{% url 'helpdesk:ticket' 1 %}\">"
        '{% include "helpdesk/_panel.html" %}{% include "web/base.html" %}',
    )
    found = layout.check_templates()
    assert any("loads 'helpdesk_ui'" in f for f in found)
    assert any("'helpdesk:ticket' of helpdesk" in f for f in found)
    assert any("'helpdesk/_panel.html'" in f for f in found)
    assert not any("core_ui" in f or "i18n" in f or "web/base.html" in f for f in found)


def test_a_higher_app_template_may_use_what_is_below_it(layout: ModuleType) -> None:
    _template(layout.ROOT, "customers", "_card.html", "x")
    _template(
        layout.ROOT,
        "helpdesk",
        "ticket.html",
        '{% load customers_ui %}<a href="{% url "customers:detail" 1 %}">{% include "customers/_card.html" %}',
    )
    assert layout.check_templates() == []


def test_long_modules_reasonless_type_ignores_and_importorskip_are_reported(layout: ModuleType) -> None:
    package = layout.PACKAGE
    (package / "customers" / "big.py").write_text("x = 1\n" * 501, encoding="utf-8")
    ignore = "# type" + ": ignore[misc]"  # spelt in two pieces, so this file itself passes the check
    (package / "customers" / "typed.py").write_text(
        f"a = f()  {ignore}\nb = f()  {ignore}  # the stubs lack f\n", encoding="utf-8"
    )
    skip = "importor" + "skip"
    (package / "customers" / "test_x.py").write_text(
        f'import pytest\nmod = pytest.{skip}("pelatis.customers.exporting")\n', encoding="utf-8"
    )
    found = layout.check_python()
    assert any(f.startswith("pelatis/customers/big.py: 501 lines") for f in found)
    assert [f for f in found if "type: ignore" in f] == [
        "pelatis/customers/typed.py:1: a type: ignore without a reason comment after it"
    ]
    assert any(f.startswith("pelatis/customers/test_x.py:2: importorskip") for f in found)
