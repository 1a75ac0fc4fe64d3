"""solutions.book.precompile (what `make book` byte-compiles): its module lists are current."""

import importlib.util
from pathlib import Path

from solutions.book import precompile

ROOT = Path(__file__).resolve().parents[1]


def test_it_imports_every_page_module_and_every_build_module_exists():
    pages = sorted(p.stem for p in (ROOT / "src" / "solutions" / "book" / "pages").glob("*.py") if p.stem != "__init__")
    assert sorted(m.rsplit(".", 1)[1] for m in precompile.page_modules()) == pages
    assert [m for m in precompile.BUILD_MODULES if importlib.util.find_spec(m) is None] == []


def test_every_extension_of_the_config_is_byte_compiled():
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    extensions = [
        line.split("- ", 1)[1].split("#")[0].strip() for line in config.splitlines() if line.startswith("    - ")
    ]
    assert extensions and set(extensions) <= set(precompile.BUILD_MODULES)
