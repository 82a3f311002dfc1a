"""Extract every translatable message into src/mercato/locale/messages.pot and merge it into the catalogs.

pybabel finds the `_()` / `gettext()` calls; this script adds what it cannot see: every DomainError subclass's
`title` and the literal messages passed to those classes, which pages show through `gettext(exc.message)`.

    .venv/bin/python scripts/extract_messages.py            # extract, then update every catalog
    .venv/bin/python scripts/extract_messages.py --report   # also list visible strings that cannot be translated
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import pkgutil
import re
import sys
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "mercato"
LOCALE_DIR = PACKAGE / "locale"
POT = LOCALE_DIR / "messages.pot"
LANGUAGES = ("zh_CN",)
BUGS_ADDRESS = "https://github.com/mercato/mercato/issues"
# `page_error(request, status, message, code)` translates its third argument; N_/gettext_noop mark a literal for
# extraction where it is translated later (a table of flash messages).
KEYWORDS = ("_", "gettext", "ngettext:1,2", "N_", "gettext_noop", "page_error:3")
# Tables whose values reach gettext() through a variable (`gettext(DONE[done])`), so pybabel cannot see them.
# Prefer N_() or literal gettext() calls at the definition; drop an entry here once its owner has done that.
MESSAGE_TABLES = (
    "mercato.catalog.web:DONE",
    "mercato.catalog._web_ops:DONE",
    "mercato.stores.web:DONE",
    "mercato.stores._web_ops:DONE",
)
# Starlette's default `detail` for the HTTP errors a visitor reaches by typing an address; page_error translates it.
HTTP_PHRASES = ("Not Found", "Method Not Allowed")


def error_classes() -> list[type]:
    """Every DomainError subclass of the package, whatever happens to be imported already (tests, the CLI)."""
    package = importlib.import_module("mercato")
    for module in pkgutil.walk_packages(package.__path__, "mercato."):
        if not module.name.startswith("mercato.migrations"):  # env.py runs Alembic on import
            importlib.import_module(module.name)
    errors = importlib.import_module("mercato.kernel.errors")
    return [cls for cls in errors.all_error_classes() if cls.__module__.startswith("mercato.")]


def extract_sources() -> Catalog:
    """What pybabel extract finds with babel.cfg and KEYWORDS (the same library calls, kept in memory)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")  # type: ignore[no-untyped-call]
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(list(KEYWORDS))}
    catalog = Catalog(project="Mercato", version=_version(), copyright_holder="The Mercato authors",
                      msgid_bugs_address=BUGS_ADDRESS, fuzzy=False)
    # Patterns in babel.cfg and the locations written are relative to the directory scanned: the repository root.
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=keywords, comment_tags=("TRANSLATORS:",)):
        catalog.add(message, None, [(Path(filename).as_posix(), lineno)], auto_comments=comments, context=context)
    return catalog


def _version() -> str:
    return str(importlib.import_module("mercato").__version__)


def _relative(path: str | Path | None) -> str:
    return Path(path).resolve().relative_to(ROOT).as_posix() if path else "?"


def _source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.glob("**/*.py") if "migrations" not in p.parts)


# --- what pybabel cannot see --------------------------------------------------------------------------------------

def title_line(cls: type) -> tuple[str, int]:
    """Where the class sets its `title` (the class line when the source cannot be read)."""
    try:
        lines, start = inspect.getsourcelines(cls)
    except (OSError, TypeError):
        return _relative(inspect.getsourcefile(cls)), 0
    offset = next((i for i, line in enumerate(lines) if re.match(r"\s+title\s*[:=]", line)), 0)
    return _relative(inspect.getsourcefile(cls)), start + offset


def add_titles(catalog: Catalog, classes: Iterable[type]) -> int:
    count = 0
    for cls in classes:
        title = cls.__dict__.get("title")
        if isinstance(title, str) and title:
            catalog.add(title, locations=[title_line(cls)],
                        auto_comments=[f"Error title: {cls.__name__} (code {getattr(cls, 'code', '')})"])
            count += 1
    return count


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def error_calls(path: Path, error_names: set[str]) -> Iterator[tuple[ast.Call, str]]:
    """Calls that build a DomainError, with the class name."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and _call_name(node) in error_names:
            yield node, _call_name(node)


def literal_message(call: ast.Call) -> str | None:
    """The first positional argument when it is a plain string (keyword arguments such as field= are not)."""
    first = call.args[0] if call.args else None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def add_error_messages(catalog: Catalog, error_names: set[str]) -> int:
    count = 0
    for path in _source_files():
        for call, name in error_calls(path, error_names):
            message = literal_message(call)
            if message:
                catalog.add(message, locations=[(_relative(path), call.lineno)],
                            auto_comments=[f"Error message: {name}"])
                count += 1
    return count


def _line_of(path: Path, pattern: str) -> int:
    """The first line matching `pattern` (a location needs a line number, 1 when the code moved)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((i for i, line in enumerate(lines, 1) if re.search(pattern, line)), 1)


def add_tables(catalog: Catalog) -> int:
    count = 0
    for spec in MESSAGE_TABLES:
        module_name, _, attribute = spec.partition(":")
        module = importlib.import_module(module_name)
        path = Path(str(module.__file__))
        location = (_relative(path), _line_of(path, rf"^{attribute}\b"))
        for value in getattr(module, attribute).values():
            catalog.add(value, locations=[location], auto_comments=[f"Message table {spec}"])
            count += 1
    http = PACKAGE / "kernel" / "http.py"
    for phrase in HTTP_PHRASES:
        catalog.add(phrase, locations=[(_relative(http), _line_of(http, r"page_error\(request, exc\.status_code"))],
                    auto_comments=["Starlette's default detail of an HTTP error page"])
    return count + len(HTTP_PHRASES)


def build_catalog(classes: list[type]) -> tuple[Catalog, dict[str, int]]:
    """Every message of the user interface: the template for each language's catalog."""
    catalog = extract_sources()
    counts = {"error titles": add_titles(catalog, classes),
              "error messages": add_error_messages(catalog, {cls.__name__ for cls in classes}),
              "from tables": add_tables(catalog)}
    return catalog, counts


def write_catalog(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_by_file=True, ignore_obsolete=True)


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _content(catalog: Catalog) -> list[tuple[object, object]]:
    return sorted((str(m.id), sorted(m.locations)) for m in catalog if m.id)


def keep_date_if_unchanged(template: Catalog) -> None:
    """Re-running on unchanged sources leaves the files as they were (no date-only diffs to commit)."""
    if POT.exists():
        previous = read_catalog(POT)
        if _content(previous) == _content(template):
            template.creation_date = previous.creation_date


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


def update_catalog(template: Catalog, language: str) -> Catalog:
    """Merge the template in, as `pybabel update` does: new messages empty, changed ones fuzzy, removed ones gone."""
    path = catalog_path(language)
    if path.exists():
        catalog = read_catalog(path, language)
    else:
        catalog = Catalog(locale=language, project="Mercato", version=_version(),
                          copyright_holder="The Mercato authors", msgid_bugs_address=BUGS_ADDRESS, fuzzy=False)
    catalog.update(template)
    write_catalog(path, catalog)
    return catalog


def untranslated(catalog: Catalog) -> list[str]:
    return [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]


# --- the report of strings nobody can translate -------------------------------------------------------------------

_MARK = "\x1a"  # stands for a template tag, so the HTML around it still parses
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_WORDS = re.compile(r"[A-Za-z]{2,}")
_TEXT_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label"}


class _TextFinder(HTMLParser):
    """Collects visible text and text attributes that are not produced by a template tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")
        for name, value in attrs:
            if name in _TEXT_ATTRIBUTES and value:
                self._keep(f'{name}="{value}"', value)

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._keep(data.strip(), data)

    def _keep(self, shown: str, text: str) -> None:
        if _WORDS.search(text.replace(_MARK, " ")):
            self.found.append((self.getpos()[0], shown.replace(_MARK, "{…}")))


def unwrapped_template_text(path: Path) -> list[tuple[int, str]]:
    """Literal text between template tags: it shows in English whatever the language."""
    source = _TAG.sub(lambda m: _MARK + "\n" * m.group().count("\n"), path.read_text(encoding="utf-8"))
    finder = _TextFinder()
    finder.feed(source)
    finder.close()
    return finder.found


def dynamic_messages(path: Path, error_names: set[str]) -> Iterator[tuple[int, str]]:
    """Messages built at run time (f-strings, concatenation): gettext cannot look them up."""
    for call, name in error_calls(path, error_names):
        if call.args and literal_message(call) is None:
            yield call.lineno, f"{name}({ast.unparse(call.args[0])[:80]})"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and _call_name(node) == "Violation" and len(node.args) >= 3:
            yield node.lineno, f"Violation(..., {ast.unparse(node.args[2])[:80]})"


def report(error_names: set[str]) -> None:
    print("\nVisible text outside {{ _('...') }} in templates:")
    for path in sorted(PACKAGE.glob("**/templates/**/*.html")):
        for lineno, text in unwrapped_template_text(path):
            print(f"  {_relative(path)}:{lineno}: {text[:100]}")
    print("\nMessages that gettext cannot look up (built at run time, or shown without gettext):")
    for path in _source_files():
        for lineno, text in sorted(set(dynamic_messages(path, error_names))):
            print(f"  {_relative(path)}:{lineno}: {text}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-update", action="store_true", help="write the .pot only")
    parser.add_argument("--report", action="store_true", help="list visible strings that cannot be translated")
    args = parser.parse_args(argv)
    classes = error_classes()
    template, counts = build_catalog(classes)
    keep_date_if_unchanged(template)
    write_catalog(POT, template)
    print(f"{_relative(POT)}: {len(template)} messages (" + ", ".join(f"{n} {k}" for k, n in counts.items()) + ")")
    for language in () if args.no_update else LANGUAGES:
        catalog = update_catalog(template, language)
        print(f"{_relative(catalog_path(language))}: {len(catalog) - len(untranslated(catalog))} of "
              f"{len(catalog)} translated")
    if args.report:
        report({cls.__name__ for cls in classes})
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
