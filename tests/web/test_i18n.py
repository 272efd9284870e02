"""The Russian translation of the workspace: complete, faithful to its placeholders, compiled, served.

The catalog is src/cadre/web/locale/ru/LC_MESSAGES/django.po (``makemessages -l ru`` run from src/cadre/web);
its compiled django.mo is committed beside it. These tests read the .po with a small parser (no polib in
the project), so they need neither gettext nor a network.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

import cadre.web

CATALOG = Path(cadre.web.__file__).resolve().parent / "locale" / "ru" / "LC_MESSAGES"
PO = CATALOG / "django.po"
MO = CATALOG / "django.mo"

#: Named (%(n)s) and positional (%s, %d) interpolations, template variables and HTML tags: what a translation
#: must carry over unchanged. "%%" is a literal percent sign in a python-format string.
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|%%|\{\{.*?\}\}|\{%.*?%\}|</?[a-z][^>]*>")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _unquote(text: str) -> str:
    body = text.strip()
    if not (body.startswith('"') and body.endswith('"')):
        raise AssertionError(f"not a quoted string: {body!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every live entry of a .po file (obsolete ``#~`` entries are skipped), header included."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    flags: set[str] = set()

    def finish() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            flags = {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            continue
        if line.startswith("msgid_plural "):
            assert current is not None
            current.msgid_plural = _unquote(line[len("msgid_plural "):])
            target = ("msgid_plural", 0)
        elif line.startswith("msgid "):
            finish()
            current = Entry(msgid=_unquote(line[len("msgid "):]), flags=flags, line=number)
            flags = set()
            target = ("msgid", 0)
        elif line.startswith("msgstr["):
            assert current is not None
            index, _sep, rest = line[len("msgstr["):].partition("]")
            current.msgstr[int(index)] = _unquote(rest)
            target = ("msgstr", int(index))
        elif line.startswith("msgstr "):
            assert current is not None
            current.msgstr[0] = _unquote(line[len("msgstr "):])
            target = ("msgstr", 0)
        elif line.startswith('"'):
            if current is None or target is None:
                raise AssertionError(f"{path}:{number}: a string outside an entry")
            kind, index = target
            if kind == "msgid":
                current.msgid += _unquote(line)
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + _unquote(line)
            else:
                current.msgstr[index] += _unquote(line)
        else:
            raise AssertionError(f"{path}:{number}: unexpected line {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return read_po(PO)


def _messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid]


def _header(entries: list[Entry]) -> dict[str, str]:
    head = next(e for e in entries if not e.msgid)
    return dict(line.split(": ", 1) for line in head.msgstr[0].splitlines() if ": " in line)


def _placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def test_the_catalog_is_russian_with_three_plural_forms(entries: list[Entry]) -> None:
    header = _header(entries)
    assert header["Language"] == "ru"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"].startswith("nplurals=3;")
    head = next(e for e in entries if not e.msgid)
    assert "fuzzy" not in head.flags
    assert len(_messages(entries)) > 900  # the whole workspace, not a sample of it


def test_every_message_is_translated_and_none_is_fuzzy(entries: list[Entry]) -> None:
    fuzzy = [e.msgid for e in _messages(entries) if "fuzzy" in e.flags]
    empty = [e.msgid for e in _messages(entries)
             if not e.msgstr or any(not s.strip() for s in e.msgstr.values())]
    short = [e.msgid for e in _messages(entries) if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1, 2]]
    assert fuzzy == []
    assert empty == []
    assert short == []  # a plural needs all three Russian forms: 1 (21...), 2-4 (22-24...), 5-20 and the rest


def test_translations_carry_every_placeholder_of_their_message(entries: list[Entry]) -> None:
    wrong = []
    for e in _messages(entries):
        for index, text in e.msgstr.items():
            sources = [e.msgid] if e.msgid_plural is None else [e.msgid_plural, e.msgid]
            if not any(_placeholders(text) == _placeholders(source) for source in sources):
                wrong.append((e.line, e.msgid, index, text))
    assert wrong == []


def test_the_translation_is_russian_text(entries: list[Entry]) -> None:
    """Not a copy of the English: most messages carry Cyrillic (codes, names and symbols may not)."""
    messages = _messages(entries)
    cyrillic = [e for e in messages if re.search("[а-яё]", e.msgstr[0], re.IGNORECASE)]
    assert len(cyrillic) >= 0.97 * len(messages)
    copied = [e.msgid for e in messages if e.msgstr[0] == e.msgid and re.search("[a-z]{4}", e.msgid)]
    assert copied == []


def test_the_compiled_catalog_is_up_to_date_with_the_po(entries: list[Entry]) -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected: dict[Any, str] = {}
    for e in _messages(entries):
        if e.msgid_plural is None:
            expected[e.msgid] = e.msgstr[0]
        else:
            for index, text in e.msgstr.items():
                expected[(e.msgid, index)] = text
    compiled = {key: value for key, value in compiled.items() if key != ""}
    stale = sorted(str(k) for k in set(expected) ^ set(compiled)) + sorted(
        str(k) for k in set(expected) & set(compiled) if expected[k] != compiled[k])
    assert stale == [], "django.mo is stale: run `python -m cadre.web.manage compilemessages -l ru` in src/cadre/web"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_msgfmt_accepts_the_catalog_with_its_format_checks(tmp_path: Path) -> None:
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "ru.mo"), str(PO)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def test_a_russian_browser_gets_the_sign_in_page_in_russian(client: Client) -> None:
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="ru">' in page
    assert "<h1>Войти</h1>" in page
    assert "Имя пользователя" in page
    assert "Sign in" not in page
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Sign in</h1>" in english


def test_the_language_switcher_turns_the_workspace_russian(client: Client, people: dict[str, Any]) -> None:
    assert client.post("/accounts/login/", {"username": "fc1", "password": "x"}).status_code == 302
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert '<html lang="ru">' in home
    assert "Ваши разделы" in home
    assert "фабзавком" in home  # the role of fc1, from the model's choices
    assert "Выйти" in home
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Your sections" in client.get("/").content.decode()
