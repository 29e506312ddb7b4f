"""What `reader show FILE` prints: a stable listing of one annotation file, also a git textconv driver.
"""

from __future__ import annotations

import json
from pathlib import Path

from reader.core.errors import UserError
from reader.files.annotation_file import StoreError
from reader.files.store import Store


def show(path: Path, textconv: bool = False) -> str:
    """A stable, readable listing of one annotation file: a line per span, sources after their arrows.

    Usable as a git textconv driver: it needs only the file, not the project. With `textconv`, a
    file that is not an annotation file (a merge conflict, a review's decisions) is shown as it is
    instead of failing, because a failing textconv stops `git diff` altogether.
    """
    path = Path(path)
    if not path.exists():
        raise UserError("no such file", path)
    if textconv:
        try:
            tables = Store.read_tables(path)
        except StoreError as exc:  # git must still show something: a conflicted or foreign file as is
            raw = path.read_bytes().decode("utf-8", errors="replace")
            return f"# {path.name}: {exc.message}; shown as it is\n" + raw + ("" if raw.endswith("\n") else "\n")
    else:
        tables = Store.read_tables(path)
    meta = next(iter(Store.records(tables, "meta")), {})
    spans = Store.records(tables, "spans")
    rels = Store.records(tables, "relations")
    by_id = {str(s.get("id")): s for s in spans}
    sources: dict[str, list[str]] = {}
    for rel in rels:
        tail = by_id.get(str(rel.get("tail")))
        name = json.dumps(tail["text"], ensure_ascii=False) if tail else f"?{rel.get('tail')}"
        sources.setdefault(str(rel.get("head")), []).append(f"{rel.get('label', '')} {rel.get('tail')} {name}")
    out = [
        f"# {meta.get('doc_id', path.stem)} by {meta.get('annotator', path.parent.name)}: "
        f"{meta.get('status', 'todo')}; spans {len(spans)}, links {len(rels)}"
    ]
    ordered = sorted(spans, key=lambda s: (int(s.get("start", 0)), -int(s.get("end", 0)), str(s.get("id"))))
    for s in ordered:
        text = json.dumps(str(s.get("text", "")), ensure_ascii=False)
        line = f"{s.get('start', '?')}-{s.get('end', '?')}\t{s.get('id')}\t{s.get('label')}\t{text}"
        attrs = s.get("attrs") or {}
        if attrs:
            line += "\t" + " ".join(f"{k}={v}" for k, v in sorted(attrs.items()))
        if s.get("orphaned"):
            line += "\tORPHANED"
        out.append(line)
        for src in sources.get(str(s.get("id")), []):
            out.append(f"\t-> {src}")
        if s.get("note"):
            out.append(f"\tnote: {json.dumps(s['note'], ensure_ascii=False)}")
    return "\n".join(out) + "\n"
