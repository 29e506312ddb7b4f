"""IOB2 token tags: `token<TAB>tag` CoNLL files, or the Hugging Face token layout (`--conll-layout hf`).

Tokens are `core.text.tokenize`'s (unit `token`), the tokens of every token export and of kappa.
Sentences are the reader's own (`core.text.Segmenter.sentences`, the ones the cursor moves by:
paragraphs, then `.`, `!`, `?` or `…` before a capital, a digit or an opening quote, but not after
"Mr." or an initial; a headline or a byline line on its own), except that a sentence never breaks
inside a span that is written, so a quote across a sentence end or a line break stays one entity.
A line break inside a paragraph (a hard-wrapped line) does not end a sentence.

One tag layer cannot hold everything an annotator marks, so, documented and reported:
- overlap policy: spans are taken in text order, longer first at the same start; a span that
  overlaps one already written is not written ("overlap"): the outer span of a nest wins, and of two
  crossing spans the one that starts first;
- a span whose edges are not token edges (it starts or ends inside a word) is not written
  ("not on token boundaries") rather than stretched to a neighbour's text;
- relations cannot be written at all; they are counted in the card.
Every span not written is listed in the dataset card and returned to the command, which prints how
many; none is dropped silently.

Documents: each starts with the CoNLL-2003 line `-DOCSTART-<TAB>O` and a blank line, and its id is
in the dataset card, not in the file: the card's YAML header lists, under `documents`, each file's
document ids in file order (one per `-DOCSTART-`), and `reader import` names the documents by it. The
file stays a plain two-column file because of what loads it: seqeval-style readers, Hugging Face's
conll2003 script and flair's ColumnCorpus skip a line that starts with `-DOCSTART-`, and nothing else;
a CoNLL-U `# doc_id = ...` comment would be a token `#` with the tag `doc_id` to them, and a token
line to spaCy's `spacy convert -c ner` (which takes `-DOCSTART-` for a token too: it splits
documents only at its own `-DOCSTART- -X- O O`; use `--format spacy` for spaCy). The Hugging Face
layout is JSON lines and has the id in each row's `document` field.
"""

from __future__ import annotations

from typing import Any

from reader.core.text import Segmenter, tokenize
from reader.formats.common import Output, Record, dumps, one_span_a_fragment


def tag_document(out: Output | None, record: Record) -> list[list[tuple[str, str]]]:
    """Sentences of (token, IOB2 tag) for one document, reporting spans it cannot write to `out`."""
    record = one_span_a_fragment(record)  # a tag layer has no discontinuous spans: B- at each piece
    text = record["text"]
    tokens = tokenize(text)
    starts = {s: i for i, (s, _e) in enumerate(tokens)}
    ends = {e: i for i, (_s, e) in enumerate(tokens)}
    tags = ["O"] * len(tokens)
    inside = [False] * len(tokens)  # token i and i+1 in one written span: no sentence break between
    taken_until = -1
    for span in record["spans"]:  # already in text order, longer first
        start, end = span["start"], span["end"]
        if start < taken_until:
            if out is not None:
                out.drop(record["id"], span["id"], span["label"], start, end, "overlap: inside or across a span already written")
            continue
        first, last = starts.get(start), ends.get(end)
        if first is None or last is None:
            if out is not None:
                out.drop(record["id"], span["id"], span["label"], start, end, "not on token boundaries")
            continue
        taken_until = end
        tags[first] = "B-" + span["label"]
        for i in range(first + 1, last + 1):
            tags[i] = "I-" + span["label"]
            inside[i - 1] = True
    starts = [s for s, _e in Segmenter(text).sentences()]
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    k = 0  # the first sentence start after the current token's start
    for i, (s, e) in enumerate(tokens):
        current.append((text[s:e], tags[i]))
        if i + 1 == len(tokens):
            break
        while k < len(starts) and starts[k] <= s:
            k += 1
        if not inside[i] and k < len(starts) and starts[k] <= tokens[i + 1][0]:
            sentences.append(current)  # a sentence starts at the next token (or in the gap before it)
            current = []
    if current:
        sentences.append(current)
    return sentences


def class_names(records_labels: list[str]) -> list[str]:
    names = ["O"]
    for label in records_labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


def export(out: Output, splits: dict[str, list[Record]], layout: str = "conll", schema: Any = None, **_: Any) -> None:
    labels = list(schema.label_names) if schema is not None else []
    extra = sorted({s["label"] for recs in splits.values() for r in recs for s in r["spans"]} - set(labels))
    names = class_names(labels + extra)
    index = {n: i for i, n in enumerate(names)}
    relations = sum(len(r["relations"]) for recs in splits.values() for r in recs)
    for name, records in splits.items():
        if layout == "hf":
            with out.open(f"{name}.jsonl") as handle:
                for record in records:
                    for n, sentence in enumerate(tag_document(out, record)):
                        handle.write(dumps({
                            "id": f"{record['id']}-{n}",
                            "document": record["id"],
                            "tokens": [w for w, _t in sentence],
                            "ner_tags": [index[t] for _w, t in sentence],
                        }))
                        handle.write("\n")
        else:
            out.card_yaml.setdefault("documents", {})[f"{name}.conll"] = [r["id"] for r in records]
            with out.open(f"{name}.conll") as handle:
                for record in records:
                    handle.write("-DOCSTART-\tO\n\n")
                    for sentence in tag_document(out, record):
                        handle.write("".join(f"{w}\t{t}\n" for w, t in sentence))
                        handle.write("\n")
    policy = ("One IOB2 tag layer. Overlap policy: spans in text order, the longer first at the same start; a span "
              "overlapping one already written is left out (the outer span of a nest wins, of two crossing spans the "
              "first). Spans that start or end inside a token are left out too. Both are listed under *Not written*.")
    if layout == "hf":
        out.notes.append("Hugging Face token layout: one sentence a line, `id`, `document`, `tokens`, `ner_tags` "
                         "(integers; ClassLabel names in order: " + ", ".join(f"`{n}`" for n in names) + ").")
        out.card_yaml["dataset_info"] = {"features": [
            {"name": "id", "dtype": "string"},
            {"name": "document", "dtype": "string"},
            {"name": "tokens", "sequence": "string"},
            {"name": "ner_tags", "sequence": {"class_label": {"names": {i: n for i, n in enumerate(names)}}}},
        ]}
        out.card_yaml["configs"] = [{"config_name": "default",
                                     "data_files": [{"split": n, "path": f"{n}.jsonl"} for n in splits]}]
    else:
        out.notes.append("CoNLL: `token<TAB>tag`, IOB2, `-DOCSTART-<TAB>O` and a blank line before each document, "
                         "a blank line after each sentence. Tags: " + ", ".join(f"`{n}`" for n in names) + ". "
                         "Document ids: `documents` in the YAML header above, each file's in file order, one a "
                         "`-DOCSTART-` (`reader import` names the documents by it).")
    out.notes.append(policy)
    out.notes.append("Tokens: runs of word characters (with combining marks and inner apostrophes), numbers with "
                     "inner `.`/`,`, and every other grapheme cluster (so 👍🏽 is one token); whitespace is never a token.")
    if relations:
        out.notes.append(f"{relations} relations are not representable in token tags; use jsonl, brat or spacy for them.")
        out.notices.append(f"{relations} relations not written (token tags cannot hold links)")
