"""Fill untranslated or fuzzy zh_CN entries from tab-separated files (English<TAB>简体中文, one message per line).

Engineers working in parallel write their translations to var/i18n/*.tsv instead of editing the shared catalog;
run scripts/extract_messages.py first, then this. It prints the messages still untranslated.

    .venv/bin/python scripts/apply_translations.py var/i18n/*.tsv
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent.parent / "src/mercato/locale/zh_CN/LC_MESSAGES/messages.po"


def load(paths: list[str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if "\t" not in line:
                continue
            english, chinese = line.split("\t", 1)
            table[english.replace("\\n", "\n")] = chinese.replace("\\n", "\n").strip()
    return table


def main(paths: list[str]) -> int:
    table = load(paths)
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    filled, missing = 0, []
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        if message.string and not message.fuzzy:
            continue
        if message.id in table and table[message.id]:
            message.string, filled = table[message.id], filled + 1
            message.flags.discard("fuzzy")
        else:
            missing.append(message.id)
    with CATALOG.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_by_file=True, ignore_obsolete=True)
    print(f"filled {filled}; still untranslated {len(missing)}")
    for text in missing:
        print("  " + text.replace("\n", "\\n"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
