"""Every configuration key README.md and docs/*.md name is one Rum reads.

A key the docs name but Rum does not read is a start-up error for whoever copies it (Rum
refuses unknown keys, naming them). Keys are found three ways:

- `ini` blocks: each `key = value` line of a `[rum]`, `[rum.*]` or `[resource:*]` section;
- inline: `` `[rum] secret` ``, `` `[rum] locale = 'es'` `` (section and key in one span);
- lists: `` `[rum]` (`title`, `page_size`, ...) `` or `` In `[rum]`: `max_query` (...), ... ``:
  the bare names right in the list, not those inside its asides in parentheses.
"""

import glob
import os
import re

import pytest

from rum import history, policy
from rum.config import APP_OPTIONS, TOP_KEYS
from rum.resources import RESOURCE_OPTIONS
from rum_sqlalchemy import factory as sqlalchemy_factory
from tests.conftest import ROOT

READ = {  # section -> the keys Rum (and the backends the docs use) read in it
    "rum": frozenset(APP_OPTIONS),
    "rum.repositoryfactory": sqlalchemy_factory.OPTIONS | {"use"},
    "rum.viewfactory": frozenset({"use"}),  # rum_toscawidgets takes no other option
    "rum.policy": policy.OPTIONS,
    "rum.history": history.OPTIONS,
    "resource:": RESOURCE_OPTIONS | {"options"},  # `options`: the resource class's path
}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SECTION = re.compile(r"^\[([^\]]+)\]\s*$")
KEY_LINE = re.compile(r"^([A-Za-z_][\w.]*)\s*=")
INLINE = re.compile(r"`\[(rum(?:\.\w+)?|resource:[^\]`]+)\] ([A-Za-z_][\w.]*)")
LIST = re.compile(r"`\[(rum(?:\.\w+)?|resource:[^\]`]+)\]`(?P<how> \(|:)")
NAME = re.compile(r"`([A-Za-z_]\w*)`")


def _checked(section: str) -> str | None:
    """The READ entry for a section name, or None for sections that are not Rum's."""
    if section.startswith("resource:"):
        return "resource:"
    return section if section == "rum" or section.startswith("rum.") else None


def ini_keys(text: str) -> list[tuple[str, str]]:
    """(section, key) of every key line of a Rum section in `text`'s ini blocks."""
    found = []
    for lang, body in FENCE.findall(text):
        if lang != "ini":
            continue
        section = None
        for line in body.splitlines():
            header = SECTION.match(line)
            if header:
                section = header.group(1)
                continue
            key = KEY_LINE.match(line)  # comments and indented continuations do not match
            if key and section is not None and _checked(section):
                found.append((section, key.group(1)))
    return found


def _listed(rest: str, how: str) -> list[str]:
    """The bare names at the top level of the list that starts `rest`."""
    depth, names, i = 0, [], 0
    top = 1 if how == " (" else 0
    while i < len(rest):
        char = rest[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < top:
                break
        elif char == ";" and depth == 0 or char == "`" and rest.startswith("`[", i):
            break
        elif char == "`":
            name = NAME.match(rest, i)
            if name and depth == top:
                names.append(name.group(1))
            end = rest.find("`", i + 1)
            i = end if end >= 0 else len(rest)
        i += 1
    return names


def prose_keys(text: str) -> list[tuple[str, str]]:
    """(section, key) named outside code blocks: inline and in lists."""
    prose = FENCE.sub("", text)
    found = [(m.group(1), m.group(2)) for m in INLINE.finditer(prose)]
    # a list ends with its paragraph or its table cell
    for unit in re.split(r"\n\s*\n|\|", prose):
        for m in LIST.finditer(unit):
            start = m.end() - 1 if m.group("how") == " (" else m.end()
            found += [(m.group(1), name) for name in _listed(unit[start:], m.group("how"))]
    return found


def _docs() -> list[str]:
    return [os.path.join(ROOT, "README.md"), *sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))]


def documented() -> list[tuple[str, str, str]]:
    """(file, section, key) of every Rum config key the docs name."""
    out = []
    for path in _docs():
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        name = os.path.relpath(path, ROOT)
        out += [(name, section, key) for section, key in ini_keys(text) + prose_keys(text)]
    return out


def test_the_docs_name_keys_of_every_section():
    sections = {_checked(section) for _, section, _ in documented()}
    assert sections >= set(READ), f"the parser found no keys of {set(READ) - sections}"
    assert len(documented()) >= 45


@pytest.mark.parametrize("doc,section,key", sorted(set(documented())))
def test_each_documented_key_is_read(doc, section, key):
    assert key in READ[_checked(section)], (
        f"{doc} names [{section}] {key}, which Rum does not read; "
        f"it reads {sorted(READ[_checked(section)])}")


def test_default_keys_in_ini_blocks_are_top_level_keys():
    assert "debug" in TOP_KEYS  # the [DEFAULT] debug the README's sample sets


@pytest.mark.parametrize("text,expected", [
    ("`[rum]` (`title`, `relation_choices_limit` — a `page=N` aside (`deep`)), then `x`",
     [("rum", "title"), ("rum", "relation_choices_limit")]),
    ("In `[rum]`: `max_query` (bytes of `q`), `max_sortt` (10); a `nested` name",
     [("rum", "max_query"), ("rum", "max_sortt")]),
    ("see `[rum] relation_choices_limit` and `[rum.policy] row_filter = 1`",
     [("rum", "relation_choices_limit"), ("rum.policy", "row_filter")]),
    ("`[rum.policy]`, pluggable by entry point `rum.policy`: `default`", []),
    ("| `[rum.policy]` (`rules`) | `column_list` |", [("rum.policy", "rules")]),
    ("```ini\n[rum]\n# secret = 'x'\nsecrett = 'y'\nrules = [\n    {'a': 1}]\n"
     "[server:main]\nport = 1\n```\n", [("rum", "secrett"), ("rum", "rules")]),
])
def test_the_parser_finds_what_a_reader_would_copy(text, expected):
    assert ini_keys(text) + prose_keys(text) == expected
