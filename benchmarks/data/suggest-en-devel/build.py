"""Build devel.jsonl from articles/*.txt with the held-out set's own parser; `--check` only says
whether it is current.

The articles follow the format and conventions of ../suggest-en (its README and build.py, which
this script imports and does not change): offsets come from `str.find`, never from a person, and
every span is checked the same way. Run from anywhere:

    python benchmarks/data/suggest-en-devel/build.py          # writes devel.jsonl
    python benchmarks/data/suggest-en-devel/build.py --check  # exit 1 if devel.jsonl is not current
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "devel.jsonl"
ANNOTATOR = "devel-en"
_spec = importlib.util.spec_from_file_location("suggest_en_build", HERE.parent / "suggest-en" / "build.py")
assert _spec is not None and _spec.loader is not None
held_out = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(held_out)
held_out.CLOSING += "\n"
"""A quote of several paragraphs repeats its opening mark at each paragraph and closes only at the
end (14-speech-mayor-resigns): each paragraph is a quote of its own, which ends where its paragraph
ends."""


def build() -> str:
    records = []
    for path in sorted((HERE / "articles").glob("*.txt")):
        record = held_out.parse(path)
        record["annotator"] = ANNOTATOR
        record["meta"]["source"] = "invented for developing the rules (benchmarks/data/suggest-en-devel/README.md)"
        records.append(record)
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)


def main() -> int:
    data = build()
    if "--check" in sys.argv:
        if (OUT.read_text("utf-8") if OUT.exists() else "") != data:
            print(f"{OUT}: out of date; run python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(data, "utf-8")
    for line in data.splitlines():
        r = json.loads(line)
        print(f"{r['id']:<30} {len(r['spans']):>3} spans  {len(r['relations']):>3} links")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
