"""`reader diff`: two annotators compared over a project, and the report a user reads.

The comparison itself is `compare`; this module finds the files, reads them fast, streams the
documents through a `Tally` (so 10,000 documents cost ten times 1,000) and prints.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from dataclasses import dataclass, field
from json.encoder import (
    encode_basestring as _encode,  # json.dumps(str, ensure_ascii=False), minus its overhead
)
from typing import Any, Iterable

from reader.core.errors import UserError
from reader.core.model import Document
from reader.core.progress import track
from reader.files.annotation_file import read_file
from reader.review.alignment import Alignment, Link, Unit
from reader.review.comparison import DocComparison, Tally, compare_units, units_of

# --------------------------------------------------------------------------- a project


@dataclass
class ProjectComparison:
    """`reader diff`: two annotators over the documents both have a file for."""

    a: str
    b: str
    labels: list[str]
    docs: list[DocComparison]
    texts: dict[str, str]
    skipped: list[str] = field(default_factory=list)
    """Files of one side only, or of documents no longer in seeds/: named, not compared."""
    repaired: list[str] = field(default_factory=list)

    tally: Tally | None = None

    def figures(self) -> dict[str, Any]:
        if self.tally is None:
            self.tally = Tally(self.labels)
            for d in self.docs:
                self.tally.add(d)
        if self._figures is None:
            self._figures = self.tally.figures()
        return self._figures

    _figures: dict[str, Any] | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"documents": len(self.docs), "a": self.a, "b": self.b}
        out.update(self.figures())
        out["per_document"] = {d.doc_id: d.figures(self.labels) for d in self.docs}
        out["disagreements"] = [
            {
                "doc": d.doc, "start": d.start, "end": d.end, "kind": d.kind,
                "a": _side_json(d.a, self.texts[d.doc]), "b": _side_json(d.b, self.texts[d.doc]),
            }
            for doc in self.docs
            for d in doc.disagreements
        ]
        out["skipped"] = self.skipped
        return out


def _side_json(side: Unit | Link | None, text: str) -> dict[str, Any] | None:
    if side is None:
        return None
    if isinstance(side, Link):
        return {"label": side.label, "id": side.id, "head": _side_json(side.head, text), "tail": _side_json(side.tail, text)}
    return {"start": side.start, "end": side.end, "label": side.label, "text": text[side.start : side.end], "id": side.id}


def read_units(store: Any, annotator: str, doc: Document) -> tuple[list[Unit], list[Link], bool]:
    """One annotator's units and links of `doc`, read straight from the file (`read_file`).

    No model is built: spans are taken as the file has them when they fit the text (a label the
    schema lacks is compared too, and shows as its own row). When the text changed since it was
    annotated, or a span does not fit its offsets, the file goes through `Store.load` instead, which
    re-anchors what it can, exactly as the app would. The flag says whether that happened.
    """
    file = read_file(store.root / annotator / f"{doc.id}.json")  # both names checked already
    text = doc.text
    size = len(text)
    units: dict[str, Unit] = {}
    ok = not file.meta.text_changed(doc)
    if ok:
        new_unit = tuple.__new__  # Unit(...) without its Python-level __new__: 400,000 spans a corpus
        for s in file.spans:  # StoredSpan: id, start, end, label, text, ..., orphaned, fragments
            ident, start, end, label, span_text = s[:5]
            if s.orphaned is not None:
                continue
            # StoredSpan.fits, inline
            if not (0 <= start < end <= size and text[start:end] == span_text) or ident in units:
                ok = False
                break
            units[ident] = new_unit(Unit, (start, end, label, ident, s.fragments))
    if not ok:
        loaded = store.load(annotator, doc)
        found, links = units_of(loaded.annotations)
        return found, links, True
    links = []
    if file.relations:
        get = units.get
        for r in file.relations:
            head, tail = get(r.head), get(r.tail)
            if head is not None and tail is not None and r.orphaned is None:
                links.append(Link(head, tail, r.label, r.id))
    return sorted(units.values()), links, False


def shared_documents(project: Any, a: str, b: str, doc_id: str | None = None) -> tuple[list[str], list[str]]:
    """The documents to compare (or review), in corpus order, and a line for each one left out.

    Only documents both annotators have a file for: a document one of them has not opened says
    nothing about their agreement. A file whose document is no longer in seeds/ is left out too.
    Unknown annotators and, with `doc_id`, a document one of them lacks are one-line UserErrors.
    """
    store = project.store
    known = store.annotators()
    for name in (a, b):
        store.path(name, "x")  # validates the name
        if name not in known:
            listed = ", ".join(known) or "none yet"
            raise UserError(f"no annotator {name!r} in {store.root} (annotators: {listed})")
    files_a = {p.stem for p in store.files(a)}
    files_b = {p.stem for p in store.files(b)}
    corpus = project.corpus
    if doc_id is not None:
        corpus.get(doc_id)
        for name, files in ((a, files_a), (b, files_b)):
            if doc_id not in files:
                raise UserError(f"annotator {name!r} has no file for document {doc_id!r}")
        return [doc_id], []
    both = files_a & files_b
    skipped = sorted(
        [f"{x}: only {a} has a file" for x in files_a - files_b if x in corpus.documents]
        + [f"{x}: only {b} has a file" for x in files_b - files_a if x in corpus.documents]
        + [f"{x}: not in seeds/" for x in both if x not in corpus.documents]
    )
    return [d for d in corpus.ids if d in both], skipped


PARALLEL_FROM = 400
"""Documents from which the comparison is spread over worker processes (when the system can fork)."""

_JOB: tuple[Any, str, str, list[str]] | None = None
"""(project, a, b, labels) for forked workers: inherited, never pickled."""


def _compare_one(project: Any, a: str, b: str, labels: list[str], did: str) -> tuple[DocComparison, bool]:
    doc = project.corpus.documents[did]
    ua, la, fixed_a = read_units(project.store, a, doc)
    ub, lb, fixed_b = read_units(project.store, b, doc)
    compared = compare_units(doc, ua, ub, la, lb, labels)
    compared.figures()
    compared.alignment = Alignment()  # the disagreements hold what the report needs
    return compared, fixed_a or fixed_b


def _compare_chunk(ids: list[str]) -> list[tuple[DocComparison, bool]]:
    assert _JOB is not None
    return [_compare_one(*_JOB, did) for did in ids]


def _workers(n_docs: int, jobs: int | None) -> int:
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 4) if n_docs >= PARALLEL_FROM else 1
    if jobs > 1 and "fork" not in multiprocessing.get_all_start_methods():
        return 1  # spawning would pickle the corpus to every worker: not worth it
    return max(1, jobs)


def compare_project(
    project: Any, a: str, b: str, doc_id: str | None = None, progress: bool = False, jobs: int | None = None
) -> ProjectComparison:
    """Compare annotators `a` and `b` over `shared_documents` (or only `doc_id`).

    Documents are compared independently, so from PARALLEL_FROM documents on they are spread over
    up to 4 forked worker processes (`jobs` overrides), in chunks taken in corpus order; the results
    come back in that order and are summed here, so the figures are the same whatever `jobs` is.
    """
    global _JOB
    ids, skipped = shared_documents(project, a, b, doc_id)
    corpus = project.corpus
    labels = list(project.schema.label_names)
    result = ProjectComparison(a, b, labels, [], {}, skipped)
    tally = Tally(labels)
    workers = _workers(len(ids), jobs)
    # Every document's results are kept (no reference cycles to find): the cyclic collector would
    # walk the growing heap again and again for nothing and make the work grow faster than the
    # corpus. Reference counting still frees everything that is dropped.
    collecting = gc.isenabled()
    gc.disable()
    pool = None
    try:
        if workers > 1:
            _JOB = (project, a, b, labels)
            pool = multiprocessing.get_context("fork").Pool(workers)  # forked before any progress thread
            size = max(20, min(200, len(ids) // (workers * 8) or 1))
            chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
            done: Iterable[tuple[DocComparison, bool]] = (
                pair for chunk in pool.imap(_compare_chunk, chunks) for pair in chunk
            )
        else:
            done = (_compare_one(project, a, b, labels, did) for did in ids)
        for did, (compared, repaired) in zip(track(ids, f"comparing {a} and {b}", threshold=49, show=progress), done):
            if repaired:
                result.repaired.append(did)
            tally.add(compared)
            compared.slim()
            result.docs.append(compared)
            result.texts[did] = corpus.documents[did].text
        result.tally = tally
    finally:
        _JOB = None
        if pool is not None:
            pool.terminate()
        if collecting:
            gc.enable()
    return result


# --------------------------------------------------------------------------- text report

CONTEXT = 30
"""Characters of context shown on each side of a disagreement."""


def _f(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


_quote = _encode
"""Article text as data: JSON-escaped, so newlines, tabs and control characters show as escapes."""


def _side_text(side: Unit | Link | None, text: str) -> str:
    if side is None:
        return "(nothing)"
    if isinstance(side, Link):
        head, tail = side.head, side.tail
        return (f"{head.label} {head.start}-{head.end} {_encode(text[head.start:head.end])} -{side.label}-> "
                f"{tail.label} {tail.start}-{tail.end} {_encode(text[tail.start:tail.end])}")
    start, end = side.start, side.end
    return f"{side.label} {start}-{end} {_encode(text[start:end])}"


def snippet(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """The disagreement's extent in «» with some context, escaped."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    body = ("…" if left else "") + text[left:start] + "«" + text[start:end] + "»" + text[end:right] + ("…" if right < len(text) else "")
    return _quote(body)


def format_diff(result: ProjectComparison) -> str:
    """The table of figures, a line per document, then every disagreement with its context."""
    fig = result.figures()
    n = len(result.docs)
    lines = [f"{n} document{'s' if n != 1 else ''} compared: A = {result.a} (reference), B = {result.b}", ""]
    head = f"{'label':<12} {'A':>6} {'B':>6}  {'exact P':>7} {'R':>6} {'F1':>6}  {'overlap F1':>10}  {'kappa':>6}  {'u-alpha':>7}"
    lines.append(head)
    rows = list(fig["per_label"].items()) + [("micro", fig["micro"])]
    for name, f in rows:
        lines.append(
            f"{name:<12} {f['a']:>6} {f['b']:>6}  {_f(f['exact_precision']):>7} {_f(f['exact_recall']):>6} "
            f"{_f(f['exact_f1']):>6}  {_f(f['overlap_f1']):>10}  {_f(f['kappa']):>6}  {_f(f['u_alpha']):>7}"
        )
    links = fig["links"]
    lines.append(f"{'links':<12} {links['a']:>6} {links['b']:>6}  {_f(links['precision']):>7} {_f(links['recall']):>6} {_f(links['f1']):>6}")
    if len(result.docs) > 1:
        lines += ["", f"{'document':<40} {'exact F1':>8} {'overlap F1':>10} {'kappa':>6} {'u-alpha':>7} {'links F1':>8} {'differences':>11}"]
        for d in result.docs:
            f = d.figures(result.labels)
            m = f["micro"]
            lines.append(
                f"{d.doc_id:<40} {_f(m['exact_f1']):>8} {_f(m['overlap_f1']):>10} {_f(m['kappa']):>6} "
                f"{_f(m['u_alpha']):>7} {_f(f['links']['f1']):>8} {len(d.disagreements):>11}"
            )
    total = sum(len(d.disagreements) for d in result.docs)
    lines += ["", f"{total} disagreements" if total != 1 else "1 disagreement"]
    side, quote, width = _side_text, _quote, CONTEXT  # 76,000 disagreements at 10,000 documents: locals
    for doc in result.docs:
        text = result.texts[doc.doc_id]
        size = len(text)
        for d in doc.disagreements:
            start, end = d.start, d.end
            left, right = max(0, start - width), min(size, end + width)
            context = quote(("…" if left else "") + text[left:start] + "«" + text[start:end] + "»"
                            + text[end:right] + ("…" if right < size else ""))  # `snippet`, inline
            lines.append(f"{d.doc} {start}-{end} {d.kind}\n  A: {side(d.a, text)}\n  B: {side(d.b, text)}\n  {context}")
    for note in result.skipped:
        lines.append(f"skipped {note}")
    for did in result.repaired:
        lines.append(f"note: {did}: a file was re-anchored in memory (text changed since annotated)")
    return "\n".join(lines) + "\n"
