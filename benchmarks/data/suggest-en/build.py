"""Build dev.jsonl from the hand annotations in articles/*.txt; `--check` only says whether it is current.

Each article file has a header (`id:`, `style:`, `topic:`), then `=== text` and the article, then
`=== spans` and one line a span:

    ID | LABEL | PHRASE | SOURCE IDS (comma-separated, content spans only) | OPTIONS

OPTIONS are `key=value` separated by `;`: `kind=direct|partial` (quotes) and `in=CONTEXT`. A phrase
must occur exactly once in the text, or, with `in=`, exactly once inside a context that occurs
exactly once. Offsets come from `str.find` here, never from a person, and every span is checked:
`text[start:end] == phrase`, no edge whitespace, a quote sits between quotation marks, every claim,
quote and allegation has a source, every source is linked. Run from anywhere:

    python benchmarks/data/suggest-en/build.py          # writes dev.jsonl
    python benchmarks/data/suggest-en/build.py --check  # exit 1 if dev.jsonl is not what it would write
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "dev.jsonl"
ANNOTATOR = "dev-en"
LABELS = ("claim", "quote", "allegation", "source")
CONTENT = ("claim", "quote", "allegation")
OPENING = "\"'“‘«‹„"
CLOSING = "\"'”’»›“"


class BadArticle(Exception):
    pass


def locate(text: str, phrase: str, context: str | None) -> int:
    if context is None:
        if text.count(phrase) != 1:
            raise BadArticle(f"{phrase!r} occurs {text.count(phrase)} times: give in=CONTEXT")
        return text.find(phrase)
    if text.count(context) != 1:
        raise BadArticle(f"context {context!r} occurs {text.count(context)} times")
    if context.count(phrase) != 1:
        raise BadArticle(f"{phrase!r} occurs {context.count(phrase)} times in its context {context!r}")
    return text.find(context) + context.find(phrase)


def parse(path: Path) -> dict:
    raw = path.read_text("utf-8")
    head, rest = raw.split("=== text\n", 1)
    body, lines = rest.split("\n=== spans\n", 1)
    meta = dict(line.split(": ", 1) for line in head.strip().splitlines())
    text = body.strip("\n")
    spans, relations, seen = [], [], {}
    for number, line in enumerate(lines.splitlines(), 1):
        if not line.strip():
            continue
        fields = [f.strip() for f in line.split("|")]
        fields += [""] * (5 - len(fields))
        sid, label, phrase, links, options = fields[:5]
        where = f"{path.name}: span line {number} ({sid})"
        try:
            if label not in LABELS:
                raise BadArticle(f"unknown label {label!r}")
            if sid in seen:
                raise BadArticle("id used twice")
            opts = dict(o.strip().split("=", 1) for o in options.split(";") if o.strip())
            if set(opts) - {"kind", "in"}:
                raise BadArticle(f"unknown options {sorted(set(opts) - {'kind', 'in'})}")
            start = locate(text, phrase, opts.get("in"))
            end = start + len(phrase)
            if text[start:end] != phrase or phrase != phrase.strip():
                raise BadArticle("phrase does not fit its offsets or has edge whitespace")
            if label == "quote" and not (text[start - 1] in OPENING and text[end] in CLOSING):
                raise BadArticle(f"quote not between quotation marks: {text[start-1:end+1]!r}")
            attrs = {"kind": opts["kind"]} if "kind" in opts else {}
            if label == "quote" and attrs.get("kind") not in ("direct", "partial"):
                raise BadArticle("a quote needs kind=direct or kind=partial")
            heads = [x.strip() for x in links.split(",") if x.strip()]
            if label in CONTENT and not heads:
                raise BadArticle(f"a {label} needs its source")
            if label == "source" and heads:
                raise BadArticle("a source links to nothing (links go from the content to the source)")
        except BadArticle as exc:
            raise SystemExit(f"{where}: {exc}") from None
        seen[sid] = label
        spans.append({"id": sid, "start": start, "end": end, "label": label, "text": phrase, "attrs": attrs, "note": ""})
        relations.extend((sid, tail) for tail in heads)
    rels = []
    for head, tail in relations:
        if seen.get(tail) != "source":
            raise SystemExit(f"{path.name}: {head} is linked to {tail!r}, which is not a source span")
        rels.append({"id": f"r{len(rels) + 1}", "head": head, "tail": tail, "label": "attributed_to"})
    unlinked = {s["id"] for s in spans if s["label"] == "source"} - {t for _h, t in relations}
    if unlinked:
        raise SystemExit(f"{path.name}: sources nothing is attributed to: {sorted(unlinked)}")
    spans.sort(key=lambda s: (s["start"], -s["end"], s["label"]))
    words = len(re.findall(r"\w+(?:['’-]\w+)*", text))
    record = {
        "id": meta["id"],
        "text": text,
        "meta": {
            "title": text.split("\n", 1)[0],
            "style": meta["style"],
            "topic": meta["topic"],
            "language": "en",
            "source": "invented for this dev set (benchmarks/data/suggest-en/README.md)",
            "words": str(words),
        },
        "annotator": ANNOTATOR,
        "spans": spans,
        "relations": rels,
    }
    return record


def build() -> str:
    records = [parse(p) for p in sorted((HERE / "articles").glob("*.txt"))]
    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        raise SystemExit("two articles share an id")
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)


def main() -> int:
    data = build()
    if "--check" in sys.argv:
        current = OUT.read_text("utf-8") if OUT.exists() else ""
        if current != data:
            print(f"{OUT}: out of date; run python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(data, "utf-8")
    for line in data.splitlines():
        r = json.loads(line)
        counts = {l: sum(s["label"] == l for s in r["spans"]) for l in LABELS}
        print(f"{r['id']:<28} {r['meta']['words']:>4} words  " + "  ".join(f"{l} {n}" for l, n in counts.items())
              + f"  links {len(r['relations'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
