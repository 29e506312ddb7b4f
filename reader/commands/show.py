"""What `reader show FILE` prints: a stable listing of one annotation file, also a git textconv driver.

A span in fragments is listed once, at its fragments (`10-38;52-80`), with their texts joined by " … ".
"""

from __future__ import annotations

import json
from pathlib import Path

from reader.core.errors import UserError
from reader.files.annotation_file import StoreError, read_file


def show(path: Path, textconv: bool = False) -> str:
    """A stable, readable listing of one annotation file: a line per span, sources after their arrows.

    Usable as a git textconv driver: it needs only the file, not the project. With `textconv`, a
    file that is not an annotation file (a merge conflict, a review's decisions) is shown as it is
    instead of failing, because a failing textconv stops `git diff` altogether. A textconv shows the
    file's own bytes, not its journal: git diffs and stages the file, and edits still in the journal
    are not in it yet (plain `reader show` replays the journal, as the app would).
    """
    path = Path(path)
    if not path.exists():
        raise UserError("no such file", path)
    if textconv:
        try:
            file = read_file(path, journal=False)
        except StoreError as exc:  # git must still show something: a conflicted or foreign file as is
            raw = path.read_bytes().decode("utf-8", errors="replace")
            return f"# {path.name}: {exc.message}; shown as it is\n" + raw + ("" if raw.endswith("\n") else "\n")
    else:
        file = read_file(path)
    meta = file.meta
    spans = {s.id: s for s in file.spans}
    sources: dict[str, list[str]] = {}
    for rel in file.relations:
        tail = spans.get(rel.tail)
        name = json.dumps(tail.span.joined_text, ensure_ascii=False) if tail else f"?{rel.tail}"
        sources.setdefault(rel.head, []).append(f"{rel.label} {rel.tail} {name}")
    out = [
        f"# {meta.doc_id} by {meta.annotator}: {meta.status}; spans {len(file.spans)}, links {len(file.relations)}"
    ]
    for s in sorted(file.spans, key=lambda s: (s.start, -s.end, s.id)):
        at = ";".join(f"{a}-{b}" for a, b in s.fragments) if s.fragments else f"{s.start}-{s.end}"
        line = f"{at}\t{s.id}\t{s.label}\t{json.dumps(s.span.joined_text, ensure_ascii=False)}"
        if s.attrs:
            line += "\t" + " ".join(f"{k}={v}" for k, v in sorted(s.attrs.items()))
        if s.orphaned is not None:
            line += "\tORPHANED"
        out.append(line)
        for src in sources.get(s.id, []):
            out.append(f"\t-> {src}")
        if s.note:
            out.append(f"\tnote: {json.dumps(s.note, ensure_ascii=False)}")
    return "\n".join(out) + "\n"
