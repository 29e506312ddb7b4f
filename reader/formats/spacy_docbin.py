"""spaCy: one `DocBin` a split (`train.spacy`, ...), for `spacy train` and `DocBin().from_disk`.

Docs are built on the shared tokenizer (`core.text.tokenize`), further split at every span edge, so
that every span is a strict `Doc.char_span` and none is lost; spaCy realigns its own tokenization to
these tokens when it trains. Whitespace other than one space after a token becomes a whitespace
token, as spaCy's own tokenizer does, so `doc.text` is the document's text.

Every span is in `doc.spans["sc"]`; `doc.ents` is set too when the document has no overlapping
spans. `doc.user_data["reader"]` keeps what spaCy has no place for: the document id, annotator,
meta, span ids, attributes, notes and the relations (`head`/`tail` are span ids; span `i` of
`user_data["reader"]["spans"]` is span `i` of `doc.spans["sc"]`).

spaCy's spans are in one piece: a span in fragments (a quote split by its attribution) is one span of
`doc.spans["sc"]` a fragment, and their entries in `user_data["reader"]["spans"]` share the span's
`id` and say which piece each is (`"fragment": "k/n"`, as the German quotation corpus marks them).
"""

from __future__ import annotations

from typing import Any

from reader.core.errors import UserError
from reader.core.text import split_at, tokenize
from reader.formats.common import Output, Record


def check_available() -> None:
    try:
        import spacy  # noqa: F401
    except ImportError:
        raise UserError("the spacy format needs spaCy: pip install 'reader[spacy]'") from None


def words_and_spaces(text: str, tokens: list[tuple[int, int]]) -> tuple[list[str], list[bool]]:
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for start, end in tokens + [(len(text), len(text))]:
        gap = text[pos:start]
        if gap:
            if words and gap[0] == " ":
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
        if start < end:
            words.append(text[start:end])
            spaces.append(False)
        pos = end
    return words, spaces


def _pieces(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The spans in text order with each span in fragments as one entry a fragment (`fragment`: k/n)."""
    if not any("fragments" in s for s in spans):
        return spans
    out = []
    for s in spans:
        frags = s.get("fragments")
        if not frags:
            out.append(s)
            continue
        out += [{**s, "start": a, "end": b, "fragment": f"{k}/{len(frags)}"} for k, (a, b) in enumerate(frags, 1)]
    return sorted(out, key=lambda s: (s["start"], -s["end"], s["label"], s["id"]))


def make_doc(vocab: Any, record: Record):
    from spacy.tokens import Doc

    text = record["text"]
    pieces = _pieces(record["spans"])
    cuts = [x for s in pieces for x in (s["start"], s["end"])]
    words, spaces = words_and_spaces(text, split_at(tokenize(text), cuts))
    doc = Doc(vocab, words=words, spaces=spaces)
    assert doc.text == text, "spaCy doc text differs from the document"
    spans = []
    for s in pieces:
        span = doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="strict")
        assert span is not None, f"span {s['id']} not on token boundaries"
        spans.append(span)
    doc.spans["sc"] = spans
    overlapping = any(a.end > b.start for a, b in zip(spans, spans[1:]))  # spans are in text order
    if not overlapping:
        doc.ents = spans
    doc.user_data["reader"] = {
        "id": record["id"],
        "annotator": record["annotator"],
        "meta": record["meta"],
        "spans": [{k: s[k] for k in ("id", "start", "end", "label", "attrs", "note", "fragment") if k in s} for s in pieces],
        "relations": record["relations"],
    }
    return doc


def export(out: Output, splits: dict[str, list[Record]], **_: Any) -> None:
    check_available()
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("xx")
    with_ents = 0
    for name, records in splits.items():
        docbin = DocBin(store_user_data=True)
        for record in records:
            doc = make_doc(nlp.vocab, record)
            with_ents += bool(doc.ents) or not record["spans"]
            docbin.add(doc)
        out.write_bytes(f"{name}.spacy", docbin.to_bytes())
    total = sum(len(v) for v in splits.values())
    out.notes.append(
        "spaCy DocBin (`DocBin().from_disk(path)`, then `get_docs(nlp.vocab)`): every span in `doc.spans[\"sc\"]`; "
        f"`doc.ents` set in {with_ents} of {total} documents (those without overlapping spans); ids, attributes, notes "
        "and relations in `doc.user_data[\"reader\"]`; a span in fragments is one span a fragment, their entries there "
        "sharing its id (`fragment`: k/n). Tokens: the shared tokenizer, split at span edges."
    )
