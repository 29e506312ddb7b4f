"""Keymap files: effective keys, user overrides, and one-line errors naming file, line and id."""

from __future__ import annotations

import pytest

from reader.files.keymap import KeymapError, load_keymap

KNOWN = {"article.left": "left", "article.right": "right", "span.delete": "x,delete", "picker.ok": "enter", "app.quit": "ctrl+q"}


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_file_overrides_defaults_and_user_file_overrides_the_file(tmp_path):
    km = write(tmp_path, "mine.yaml", "article.left: h\narticle.right: [l, right]\n")
    user = write(tmp_path, "user.yaml", "span.delete: d\n")
    result = load_keymap(str(km), KNOWN, user_file=user)
    assert result.keys["article.left"] == "h"
    assert result.keys["article.right"] == "l,right"
    assert result.keys["span.delete"] == "d"
    assert result.keys["app.quit"] == "ctrl+q"
    assert result.sources == (str(km), str(user))


@pytest.mark.parametrize(
    "text, message",
    [
        ("article.left: h\narticle.bogus: j\n", ":2: unknown binding id 'article.bogus'"),
        ("article.left: [h\n", ":2: not valid YAML"),
        ("article.left: h\narticle.right: h\n", ":2: key 'h' is bound to both 'article.left' and 'article.right'"),
        ("article.left: {a: b}\n", ":1: binding id 'article.left': expected keys"),
        ("- article.left\n", ":1: a keymap must map binding ids to keys"),
        ("article.right: ctrl+q\n", ":1: key 'ctrl+q' is bound to both 'app.quit' and 'article.right'"),
    ],
)
def test_bad_keymaps_give_one_line_naming_file_and_line(tmp_path, text, message):
    km = write(tmp_path, "bad.yaml", text)
    with pytest.raises(KeymapError) as err:
        load_keymap(str(km), KNOWN, user_file=tmp_path / "none.yaml")
    assert str(err.value).startswith(str(km))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_the_same_key_in_different_contexts_is_no_clash(tmp_path):
    km = write(tmp_path, "ok.yaml", "picker.ok: x\n")  # the picker is a modal: x there is not span.delete
    assert load_keymap(str(km), KNOWN, user_file=tmp_path / "none.yaml").keys["picker.ok"] == "x"


def test_unknown_keymap_name_lists_the_shipped_ones(tmp_path):
    with pytest.raises(KeymapError, match="no keymap named 'nano'"):
        load_keymap("nano", KNOWN, user_file=tmp_path / "none.yaml")


def test_two_spellings_of_one_key_clash_as_they_would_in_textual(tmp_path):
    from reader.tui.catalog import normalise_keys

    assert normalise_keys("( , ctrl+x,?,-,a,,b") == "left_parenthesis,ctrl+x,question_mark,minus,a,,b"
    km = write(tmp_path, "spelled.yaml", "article.left: '('\narticle.right: left_parenthesis\n")
    with pytest.raises(KeymapError, match=":2: key 'left_parenthesis' is bound to both 'article.left' and 'article.right'"):
        load_keymap(str(km), KNOWN, normalise_keys, user_file=tmp_path / "none.yaml")
