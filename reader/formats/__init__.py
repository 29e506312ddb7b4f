"""Export a labelled dataset and import others' texts and annotations: one module a format.

`export(project, fmt, out, ...)` reads one annotator's records (`common.load_records`), splits them
by document, hands them to the format's `export(out, splits, ...)` and writes the dataset card and
the `.reader-export` marker. `out` must be new, empty or an earlier export (`common.check_out`).
`import_paths(project_dir, paths, fmt, ...)` reads files with the format's `read(...)` and hands the
documents to `importing.import_documents`. Nothing here draws: the command line shows the notices.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from reader.core.errors import UserError
from reader.files.project import Project, default_annotator
from reader.formats.common import (
    Dropped,
    Output,
    check_out,
    load_records,
    parse_split,
    read_marker,
    split_records,
    write_card,
    write_marker,
)
from reader.formats.importing import ImportReport, import_documents, parse_label_map

EXPORTERS = {
    "jsonl": "jsonl",
    "spacy": "spacy_docbin",
    "conll": "conll",
    "brat": "brat",
    "doccano": "doccano",
    "labelstudio": "labelstudio",
    "w3c": "w3c",
    "webanno": "webanno_tsv",
    "csv": "csv_rows",
    "prodigy": "prodigy",
}
IMPORTERS = {
    "jsonl": "jsonl",
    "txt": "plain",
    "md": "plain",
    "brat": "brat",
    "doccano": "doccano",
    "labelstudio": "labelstudio",
    "prodigy": "prodigy",
    "conll": "conll_import",
    "webanno": "webanno_tsv_import",
}
KEEP_REJECTED_FORMATS = ("jsonl", "prodigy", "labelstudio")
"""Formats whose files hold rejected, ignored or cancelled answers, skipped unless `keep_rejected`."""
UTF16_FORMATS = ("jsonl", "doccano", "labelstudio", "csv")


@dataclass
class ExportReport:
    out: Path
    files: list[Path]
    documents: int
    spans: int
    relations: int
    splits: dict[str, int]
    dropped: list[Dropped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _module(name: str):
    return importlib.import_module(f".{name}", __name__)


def export(
    project: Project,
    fmt: str,
    out: Path | str,
    annotator: str | None = None,
    gold: bool = False,
    split: str | None = None,
    seed: int = 0,
    offsets: str = "codepoints",
    require_settled: bool = False,
    **options: Any,
) -> ExportReport:
    """Write `fmt` files for one annotator's (or the gold) annotations into `out`, with a dataset card.

    With `gold`, the disagreements still open in each reviewed document (as its review record says)
    are named in the card and the notices; `require_settled` makes any a UserError, nothing written."""
    if require_settled and not gold:
        raise UserError("--require-settled is for --gold (the adjudicated set)")
    if fmt not in EXPORTERS:
        raise UserError(f"unknown export format {fmt!r} (one of {', '.join(EXPORTERS)})")
    if offsets == "utf16" and fmt not in UTF16_FORMATS:
        raise UserError(f"--offsets utf16 is for {', '.join(UTF16_FORMATS)}; {fmt} counts code points by its own definition")
    fractions = parse_split(split)
    module = _module(EXPORTERS[fmt])
    check = getattr(module, "check_available", None)
    if check is not None:
        check()
    name = "gold" if gold else (annotator or default_annotator())
    root = check_out(Path(out))  # before the work: a folder export may not write into is refused at once
    source = load_records(project, name)
    if gold:
        _check_settled(project, name, source, require_settled)
    splits = split_records(source.records, fractions, seed)
    try:
        output = Output(root)
        earlier = read_marker(output.root)
        module.export(output, splits, offsets=offsets, schema=project.schema, **options)
        card_options = {"offsets": offsets if fmt in UTF16_FORMATS else None, "split": split, "seed": seed if split else None}
        card_options.update({k: v for k, v in options.items() if v is not None})
        write_card(output, fmt, splits, source, card_options, project.schema.label_names)
        stale = write_marker(output, fmt, earlier)
    except OSError as exc:
        raise UserError(f"cannot write the export ({exc.strerror or exc})", exc.filename or root) from None
    if stale:
        output.notices.append(
            f"{len(stale)} files in {output.root} are not part of this export and were left as they were "
            f"(first: {stale[0]}); export into an empty folder to avoid mixing them"
        )
    dropped = list(source.dropped) + output.dropped
    return ExportReport(
        out=output.root,
        files=output.files,
        documents=len(source.records),
        spans=sum(len(r["spans"]) for r in source.records),
        relations=sum(len(r["relations"]) for r in source.records),
        splits={k: len(v) for k, v in splits.items()},
        dropped=dropped,
        notices=source.notices + output.notices,
    )


def _check_settled(project: Project, name: str, source: Any, required: bool) -> None:
    """Name every reviewed document with disagreements still open; refuse when `required`."""
    from reader.review.adjudication import unsettled_reviews

    source.unsettled = unsettled_reviews(project, name, [r["id"] for r in source.records])
    if not source.unsettled:
        return
    left = sum(n for _, n, _, _ in source.unsettled)
    total = sum(t for _, _, t, _ in source.unsettled)
    docs = len(source.unsettled)
    who = " ".join(source.unsettled[0][3])
    summary = (f"{name}: {left} of {total} disagreements in {docs} document{'s' if docs != 1 else ''} are not settled "
               f"(settle them with 'reader review {who}')")
    if required:
        first = ", ".join(f"{d} {n} of {t}" for d, n, t, _ in source.unsettled[:3])
        raise UserError(f"--require-settled: {summary}: {first}{', …' if docs > 3 else ''}; nothing written")
    source.notices.append(summary + "; the export holds the agreements and the decisions made so far")
    shown = source.unsettled[:20]
    source.notices += [f"{name}: {d}: {n} of {t} disagreements not settled" for d, n, t, _ in shown]
    if docs > len(shown):
        source.notices.append(f"{name}: and {docs - len(shown)} more documents, every one listed in the dataset card")


def import_paths(
    project_dir: Path | str,
    paths: Sequence[Path | str],
    fmt: str,
    annotator: str | None = None,
    label_map: str | dict[str, str] | None = None,
    offsets: str = "codepoints",
    keep_rejected: bool = False,
) -> ImportReport:
    """Read `paths` as `fmt` and bring their texts into seeds/ and their spans into annotations/NAME/."""
    if fmt not in IMPORTERS:
        raise UserError(f"unknown import format {fmt!r} (one of {', '.join(IMPORTERS)})")
    mapping = parse_label_map(label_map) if isinstance(label_map, str) or label_map is None else dict(label_map)
    if keep_rejected and fmt not in KEEP_REJECTED_FORMATS:
        raise UserError(f"--keep-rejected is for {', '.join(KEEP_REJECTED_FORMATS)} (answers Prodigy or Label Studio "
                        f"marked reject, ignore or cancelled); {fmt} files have none")
    read_options = {"keep_rejected": True} if keep_rejected else {}
    module = _module(IMPORTERS[fmt])
    docs = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise UserError("no such file or folder", path)
        docs.extend(module.read(path, offsets=offsets, **read_options) if fmt not in ("txt", "md") else module.read(path, fmt))
    if not docs:
        raise UserError(f"no {fmt} documents found in " + ", ".join(str(p) for p in paths))
    return import_documents(project_dir, docs, annotator, mapping, with_annotations=fmt not in ("txt", "md"))


__all__ = ["export", "import_paths", "ExportReport", "ImportReport", "EXPORTERS", "IMPORTERS"]
