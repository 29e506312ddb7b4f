"""A keyboard-first terminal reader for annotating news text: claims, quotes, allegations, sources.

The package is a stack of layers. A module imports from its own layer and the layers below it,
never above; only `tui` imports Textual. `pyproject.toml` states the same order as an
import-linter contract, and `make test` checks it before the tests run.

    commands   the command line: argument parsing, `validate`, `stats`, `show`; starts the apps
    tui        Textual only: the annotate and review apps, screens, widgets, dialogs, styles
    formats    export to and import from other tools' files (jsonl, spaCy, CoNLL, brat, ...)
    review     two or more annotators: alignment, agreement figures, diff, adjudication, the
               review session behind the review screen
    annotate   one annotator's visit of the corpus behind the annotate screen: the session, the
               documents' progress
    suggest    pre-annotation by rule: cue words, the rules, the accept/reject of pending ghosts
    view       what the article pane draws, with rich only: wrapping, painting spans, cursor moves
    files      everything on disk: atomic writes, the corpus in seeds/, the annotation file (its
               one reader and writer), the store with its locks, autosave, labels.yaml, keymaps
    core       values and rules with no I/O: errors, documents and spans, `DocAnnotations` with its
               invariants and undo, the label schema, text segmentation and the one tokenizer

Data files ship inside the package and are found through `importlib.resources`: `reader/data/`
(default labels and cue words), `reader/tui/*.tcss`, and the repository's `keymaps/`, installed
as the package `reader.keymaps`.
"""

__version__ = "0.1.0"
