"""Find English a user could read: ASCII words of 4+ letters that are not names the user typed or must type.

Allowed, because they are identifiers rather than sentences: option names (--period), file names and
paths (plan.yaml, rules/), text quoted back to the user (「…」, '…', "…"), and the words a caller lists
(command names, metavars, choice values). Everything else of 4+ ASCII letters counts as English.
"""

from __future__ import annotations

import re

_QUOTED = re.compile(r"「[^」]*」|“[^”]*”|\"[^\"\n]*\"|'[^'\n]*'")
_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
# a token with a dot or slash in it is a file name, a path or a version (result.json, rules/, 2023-09.yaml)
_PATHLIKE = re.compile(r"[\w<>@~\\-]*(?:[./\\][\w<>@~*-]+)+[/\\]?|[\w-]+/")
# identifiers with _ - or digits (durable_rules, export-params, YYYY-MM, R-GR-01) are names, not words
_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z][A-Za-z0-9_-]*")
_WORD = re.compile(r"[A-Za-z]{4,}")
# a place inside a file: tasks[0], indicators[0].targets[1]
_MARKUP = re.compile(r"<[^<>\s]*>")  # <!DOCTYPE>, <工作区>
_FILE_PLACE = re.compile(r"[A-Za-z_]\w*\[\d+\](?:\.?[A-Za-z_]\w*(?:\[\d+\])?)*")
# names of formats and programs a Chinese sentence uses as they are
NAMES = {"yaml", "excel", "word", "powerpoint", "office", "json", "html", "unicode", "markdown", "duban"}


def english_words(text: str, allowed=()) -> list[str]:
    allowed = NAMES | {a.lower() for a in allowed}
    rest = _QUOTED.sub(" ", text)
    rest = _FILE_PLACE.sub(" ", rest)
    rest = _MARKUP.sub(" ", rest)
    rest = _OPTION.sub(" ", rest)
    rest = _PATHLIKE.sub(" ", rest)
    return [t for t in _TOKEN.findall(rest) if _WORD.fullmatch(t) and t.lower() not in allowed]
