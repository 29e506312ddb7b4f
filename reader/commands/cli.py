"""The `reader` command line: argument parsing only; each subcommand calls one function below it.

Exit status: 0 success, 1 problems found, 2 bad usage or bad input (one line on stderr naming the
file and what is wrong, never a traceback for a user's mistake).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Sequence

from reader.core.errors import UserError
from reader.files.project import Project, default_annotator

COMMANDS = ("annotate", "export", "import", "diff", "review", "suggest", "train", "validate", "stats", "show")
EXPORT_FORMATS = ("jsonl", "spacy", "conll", "brat", "doccano", "labelstudio", "w3c", "webanno", "csv", "prodigy")
IMPORT_FORMATS = ("jsonl", "txt", "md", "brat", "doccano", "labelstudio", "prodigy", "conll", "webanno")


class UsageError(UserError):
    """A mistake in the command's words; its message already starts with the command's name."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def _common() -> argparse.ArgumentParser:
    # SUPPRESS: a subcommand's own default must not overwrite `reader --project DIR COMMAND`.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--project", metavar="DIR", default=argparse.SUPPRESS, help="the annotation project (default: .)")
    return common


def build_parser() -> ArgumentParser:
    common = _common()
    parser = ArgumentParser(
        prog="reader",
        description="Annotate news text in the terminal: claims, quotes, allegations and their sources.",
    )
    parser.add_argument("--project", metavar="DIR", default=".", help="the annotation project (default: .)")
    sub = parser.add_subparsers(dest="command", parser_class=ArgumentParser, metavar="COMMAND")

    p = sub.add_parser("annotate", parents=[common], help="open the app (the default command)")
    p.add_argument("doc_ids", nargs="*", metavar="DOC_ID")
    p.add_argument("--annotator", metavar="NAME")
    p.add_argument("--keymap", metavar="NAME|PATH", default="default")
    p.set_defaults(func=cmd_annotate)

    p = sub.add_parser("export", parents=[common], help="export the corpus as a labelled dataset")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--annotator", metavar="NAME")
    who.add_argument("--gold", action="store_true", help="export the adjudicated set")
    p.add_argument("--require-settled", action="store_true",
                   help="with --gold: refuse (exit 2, nothing written) while a reviewed document has disagreements not settled")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--split", metavar="0.8,0.1,0.1")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--offsets", choices=("codepoints", "utf16"), default="codepoints",
                   help="utf16: offsets in UTF-16 code units, as doccano and Label Studio count")
    p.add_argument("--conll-layout", choices=("conll", "hf"), default="conll",
                   help="conll: token<TAB>tag files; hf: Hugging Face tokens/ner_tags jsonl")
    p.add_argument("--doccano-layout", choices=("relation", "seq"), default="relation",
                   help="relation: entities and relations; seq: sequence labelling [start, end, label]")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", parents=[common], help="bring texts and annotations into the project")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", required=True, choices=IMPORT_FORMATS)
    p.add_argument("--annotator", metavar="NAME")
    p.add_argument("--label-map", metavar="OLD=NEW,...")
    p.add_argument("--offsets", choices=("codepoints", "utf16"), default="codepoints")
    p.add_argument("--keep-rejected", action="store_true",
                   help="also import Prodigy answers marked reject or ignore, and cancelled Label Studio annotations")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("diff", parents=[common], help="agreement figures and disagreements of two annotators or more")
    p.add_argument("a", metavar="ANNOTATOR_A")
    p.add_argument("b", metavar="ANNOTATOR_B")
    p.add_argument("others", nargs="*", metavar="ANNOTATOR", help="more annotators: pairwise figures and Krippendorff's alpha over all")
    p.add_argument("--doc", metavar="DOC_ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("review", parents=[common], help="adjudicate two annotators or more into a gold set")
    p.add_argument("a", metavar="ANNOTATOR_A")
    p.add_argument("b", metavar="ANNOTATOR_B")
    p.add_argument("others", nargs="*", metavar="ANNOTATOR", help="more annotators, each candidate shown with who made it")
    p.add_argument("--into", default="gold", metavar="NAME")
    p.add_argument("--auto-accept", type=int, metavar="K",
                   help="with three annotators or more: take what at least K of them made without a decision")
    p.add_argument("--keymap", metavar="NAME|PATH", default="default")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("suggest", parents=[common], help="write rule-based suggestions for review")
    p.add_argument("doc_ids", nargs="*", metavar="DOC_ID")
    p.add_argument("--annotator", metavar="NAME")
    p.add_argument("--evaluate", metavar="ANNOTATOR",
                   help="write nothing: score fresh suggestions against this annotator's files")
    p.add_argument("--json", action="store_true", help="with --evaluate: the scores as JSON")
    p.add_argument("--no-conventions", action="store_true",
                   help="with --evaluate: skip trying the rules: flags of suggest.yaml flipped (for huge projects)")
    p.add_argument("--model", metavar="NAME", help="a model trained by 'reader train': its ghosts, merged with the rules")
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser("train", parents=[common], help="train a span tagger per label and a link model on the annotations")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--annotator", metavar="NAME")
    who.add_argument("--gold", action="store_true", help="train on the adjudicated set")
    p.add_argument("--done-only", action="store_true", help="only the documents marked done")
    p.add_argument("--name", metavar="MODEL", help="saved as annotations/models/MODEL/ (default: the annotator's name)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("validate", parents=[common], help="check every annotation file")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("stats", parents=[common], help="documents, annotators and label counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("show", parents=[common], help="a readable listing of one annotation file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--textconv", action="store_true", help="never fail: show a file that is not an annotation file as it is (for git)")
    p.set_defaults(func=cmd_show)
    return parser


# --------------------------------------------------------------------------- commands


def cmd_annotate(args: argparse.Namespace) -> int:
    from reader.tui.app import create_app  # Textual only loads for the app

    app = create_app(Project(args.project).require(), annotator_of(args), args.doc_ids, args.keymap)
    app.run()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from reader.formats import export

    layout = {"conll": args.conll_layout, "doccano": args.doccano_layout}.get(args.format)
    report = export(
        Project(args.project).require(),
        args.format,
        Path(args.out),
        annotator=None if args.gold else annotator_of(args),
        gold=args.gold,
        require_settled=args.require_settled,
        split=args.split,
        seed=args.seed,
        offsets=args.offsets,
        **({"layout": layout} if layout else {}),
    )
    for notice in report.notices:
        print(f"reader: {notice}", file=sys.stderr)
    if report.dropped:
        reasons: dict[str, int] = {}
        for item in report.dropped:
            reasons[item.reason.split(":")[0]] = reasons.get(item.reason.split(":")[0], 0) + 1
        detail = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
        print(f"reader: {len(report.dropped)} items not written ({detail}); listed in {report.out / 'README.md'}",
              file=sys.stderr)
    splits = ", ".join(f"{name} {n}" for name, n in report.splits.items())
    print(f"exported {report.documents} documents, {report.spans} spans, {report.relations} relations "
          f"as {args.format} to {report.out} ({splits})")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from reader.formats import import_paths

    report = import_paths(
        Path(args.project), args.paths, args.format,
        annotator=args.annotator, label_map=args.label_map, offsets=args.offsets,
        keep_rejected=args.keep_rejected,
    )
    for notice in report.notices:
        print(f"reader: {notice}", file=sys.stderr)
    who = f" by {', '.join(report.annotators)}" if report.annotators else ""
    print(f"imported {report.documents} documents ({report.new_seeds} new in seeds/), "
          f"{report.spans} spans and {report.relations} relations{who}"
          + (f", {report.suggestions} suggestions" if report.suggestions else ""))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    if args.others:
        from reader.review.diff_many import compare_many, format_many

        many = compare_many(
            Project(args.project).require(), [args.a, args.b, *args.others], doc_id=args.doc, progress=sys.stderr.isatty()
        )
        if args.json:
            print(json.dumps(many.to_json(), indent=2, sort_keys=True, ensure_ascii=False))
        else:
            sys.stdout.write(format_many(many))
        return 0
    from reader.review.diff import compare_project, format_diff

    result = compare_project(
        Project(args.project).require(), args.a, args.b, doc_id=args.doc, progress=sys.stderr.isatty()
    )
    if args.json:
        print(json.dumps(result.to_json(), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        sys.stdout.write(format_diff(result))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Adjudicate A and B (and more) into `--into` (default gold) over the documents all of them annotated."""
    from reader.files.corpus import check_name
    from reader.tui.review_app import (
        create_review_app,  # Textual only loads for the app
    )

    for name in (args.a, args.b, *args.others, args.into):
        check_name("annotator", name)
    app = create_review_app(
        Project(args.project).require(), args.a, args.b, args.into, keymap=args.keymap,
        others=args.others, auto_accept=args.auto_accept,
    )
    app.run()
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    """Write fresh suggestions into the annotator's files, never over their spans; one line per document."""
    from reader.suggest.run import suggest_documents

    project = Project(args.project).require()
    if args.evaluate is not None:
        return _evaluate_suggestions(project, args)
    for option in ("json", "no_conventions"):
        if getattr(args, option):
            name = "--" + option.replace("_", "-")
            raise UsageError(f"reader suggest: {name} goes with --evaluate ANNOTATOR (see 'reader suggest --help')")
    if not args.doc_ids:
        for error in project.corpus.errors:
            print(f"reader: {error}", file=sys.stderr)
    skipped = 0
    for outcome in suggest_documents(project, annotator_of(args), args.doc_ids, model=args.model):
        for note in outcome.notes:
            print(f"reader: {note}", file=sys.stderr)
        if outcome.report is None:
            skipped += 1
        else:
            print(outcome.report)
    return 1 if skipped or (project.corpus.errors and not args.doc_ids) else 0


def _evaluate_suggestions(project: Project, args: argparse.Namespace) -> int:
    """`reader suggest --evaluate ANNOTATOR`: the scores of the suggestions, and (rules only) the
    `rules:` flags under which they would agree better with the annotator; nothing is written."""
    from reader.review.conventions import find_conventions, format_conventions
    from reader.review.suggestion_scores import format_scores, score_project

    conventions = None
    if args.model is not None:
        scores = _score_model(project, args.evaluate, args.model, args.doc_ids)
    else:
        scores = score_project(project, args.evaluate, args.doc_ids, progress=sys.stderr.isatty())
        if not args.no_conventions and scores.docs:
            conventions = find_conventions(project, args.evaluate, [d.doc_id for d in scores.docs],
                                           progress=sys.stderr.isatty())
    if args.json:
        out = scores.to_json()
        if conventions is not None:
            out["conventions"] = conventions.to_json()
        print(json.dumps(out, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        sys.stdout.write(format_scores(scores))
        if conventions is not None:
            sys.stdout.write(format_conventions(conventions))
    return 0


def _score_model(project: Project, annotator: str, model: str, doc_ids: list[str]):  # -> SuggestionScores
    """`--evaluate ANNOTATOR --model NAME`: the model's merged suggestions scored like the rules'
    (`score_project`), on every document the annotator has a file for (or `doc_ids`); nothing written."""
    from reader.core.progress import track
    from reader.review.suggestion_scores import SuggestionScores, score_document, side
    from reader.suggest.cues import load_cues
    from reader.suggest.trained import TrainedModel

    trained = TrainedModel.load(project.path, model)
    store, corpus = project.store, project.corpus
    store.path(annotator, "x")
    if annotator not in store.annotators():
        raise UserError(f"no annotator {annotator!r} in {store.root} (annotators: {', '.join(store.annotators()) or 'none yet'})")
    files = {p.stem for p in store.files(annotator)}
    for doc_id in doc_ids:
        if doc_id not in files:
            raise UserError(f"annotator {annotator!r} has no file for document {doc_id!r}")
    result = SuggestionScores(annotator, list(project.schema.label_names))
    result.notes.append(f"model {trained.name} merged with the rules")
    docs = [corpus.get(d) for d in doc_ids] if doc_ids else [corpus.documents[d] for d in corpus.ids if d in files]
    cues = load_cues(project.path)
    for doc in track(docs, "scoring suggestions", threshold=5):
        loaded = store.load(annotator, doc)
        result.notes.extend(loaded.report)
        ann = loaded.annotations
        found = trained.predict(doc, cues, project.schema).suggestions
        ref = side(ann.spans.values(), ann.relations.values(), result.labels)
        result.add(score_document(doc.id, ref, side(found.spans, found.relations, result.labels), result.labels))
    return result


def cmd_train(args: argparse.Namespace) -> int:
    """Train on the annotator's (or the gold's) documents; one line per step's outcome, the card's path."""
    from reader.suggest.training import train_project

    project = Project(args.project).require()
    annotator = "gold" if args.gold else annotator_of(args)
    report = train_project(project, annotator, done_only=args.done_only, name=args.name, progress=sys.stderr.isatty())
    for note in report.notes:
        print(f"reader: {note}", file=sys.stderr)
    info = report.info
    model = (info["held_out"] or {}).get("model")
    figures = ""
    if model:
        src = model["per_label"].get("source", {}).get("overlap_f1")
        figures = (f"; held-out ({info['held_out_documents']} documents): source F1 {_two(src)}, "
                   f"content F1 {_two(model['content']['overlap_f1'])}, links F1 {_two(model['links']['f1'])}")
    print(f"trained {report.name} on {info['train_documents']} documents of {annotator} "
          f"({', '.join(info['labels_seen'])}) in {info['seconds']:.0f} s{figures}")
    print(f"model and card: {report.path}")
    return 0


def _two(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def cmd_validate(args: argparse.Namespace) -> int:
    from reader.commands.validate import validate

    problems = validate(Project(args.project).require())
    for problem in problems:
        print(problem)
    if not problems:
        print("ok: every annotation file matches the corpus and the schema")
    return 1 if problems else 0


def cmd_stats(args: argparse.Namespace) -> int:
    from reader.commands.stats import format_stats, stats

    data = stats(Project(args.project).require())
    print(json.dumps(data, indent=2, sort_keys=True) if args.json else format_stats(data))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from reader.commands.show import show

    path = Path(args.file)
    if not path.is_absolute() and not path.exists():
        path = Path(args.project) / path
    sys.stdout.write(show(path, textconv=args.textconv))
    return 0


# --------------------------------------------------------------------------- entry point


def _with_default_command(argv: list[str]) -> list[str]:
    """`reader [DOC_ID ...]` means `reader annotate [DOC_ID ...]`."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            return argv
        if arg == "--project":
            i += 2
            continue
        if arg.startswith("--project="):
            i += 1
            continue
        if arg in COMMANDS:
            return argv
        break
    return argv[:i] + ["annotate"] + argv[i:]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(_with_default_command(argv))
        handler: Callable[[argparse.Namespace], int] = args.func
        return handler(args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except UserError as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder where a file should be, a read-only disk, no permission...
        where = exc.filename if exc.filename is not None else "reader"
        print(f"reader: {where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def annotator_of(args: argparse.Namespace) -> str:
    return getattr(args, "annotator", None) or default_annotator()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
