"""Parsed facts kept beside the workspace, so a second `duban check` does not parse the same YAML again.

    <workspace>/.duban/cache/plan.json               the validated plan
    <workspace>/.duban/cache/progress-<YYYY-MM>.json  one validated progress file
    <workspace>/.duban/cache/lexicon.json             the lexicon files' checked documents (prime_lexicon)

Each cache file is JSON (never pickle: the folder is as writable as the facts themselves) and carries the key it
was written under: sha256 over the source file's name and bytes, the plan's item ids (for a progress file: an
unknown id must still be refused), the lexicon files (units decide whether a reading is valid), the loader's own
source code and the duban version. Any edit to one of them gives another key, and the file is parsed again.

What is read back is not trusted: a file that is not valid JSON, has another key or schema, or whose content does
not have exactly the shape the loader produces (every field of every item, entry and reading type-checked) is
ignored and rebuilt. Loading errors are never cached: a file with problems is parsed, and reported, every time.
Only `duban check` writes it, after its outputs are written (writing()), so a failed run changes nothing in
the workspace; other commands read it. Writes are atomic (temp file, rename), so a reader — another command without the workspace lock — sees a
complete old or new file; the key makes either one correct. DUBAN_FACTS_CACHE=0 turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import orjson

from . import __version__
from .facts.workspace import READING_FIELDS, Entry, Item, Plan, Progress
from .store.input_gate import MAX_YAML_BYTES, check_input_file

SCHEMA = "duban/facts-cache@1"
CACHE_DIR = Path(".duban") / "cache"
_CODE = ("facts/workspace.py", "facts_cache.py", "store/yaml_build.py", "store/yamlio.py", "periods.py")
_JSON_SCALAR = (str, int, float, bool, type(None))


def enabled() -> bool:
    return os.environ.get("DUBAN_FACTS_CACHE", "1") != "0"


@lru_cache(maxsize=1)
def _static_digest() -> bytes:
    """The loader's code, the lexicon files and the version: what turns the same YAML into facts."""
    from .extract.lexicon import LEXICON_DIR

    digest = hashlib.sha256(f"{SCHEMA}\0{__version__}\0".encode())
    here = Path(__file__).resolve().parent
    for name in _CODE:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    for path in sorted(Path(LEXICON_DIR).glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _key(kind: str, source: Path, data: bytes, ids: set[str] | None) -> str:
    digest = hashlib.sha256(_static_digest() + kind.encode() + b"\0" + source.name.encode() + b"\0")
    if ids is not None:
        digest.update("\0".join(sorted(ids)).encode())
    digest.update(b"\0" + data)
    return digest.hexdigest()


def _cache_path(root: Path, kind: str, source: Path) -> Path:
    return root / CACHE_DIR / ("plan.json" if kind == "plan" else f"progress-{source.stem}.json")


def cached_load(root: Path, kind: str, source: Path, load, ids: set[str] | None = None):
    """load() (load_plan / load_progress of `source`), or the same facts from the cache under root."""
    if not enabled():
        return load()
    try:
        check_input_file(source, MAX_YAML_BYTES, "YAML 文件")  # a FIFO or an oversized file: load() says so
        key = _key(kind, source, source.read_bytes(), ids)
    except Exception:  # noqa: BLE001 - anything odd about the source: the loader reads it and words the problem
        return load()
    cache = _cache_path(root, kind, source)
    found = _read(cache, kind, key, str(source))
    if found is not None:
        return found
    facts = load()  # raises InputError on bad facts: nothing is cached then
    try:
        unchanged = _key(kind, source, source.read_bytes(), ids) == key  # not edited while it was being parsed
    except OSError:
        unchanged = False
    if unchanged and _PENDING is not None:
        data = _encode(kind, key, facts)  # now: later steps must not change what is cached
        if data is not None:
            _PENDING.append((root, cache, data))
    return facts


_PENDING: list[tuple] | None = None  # inside writing(): what this run parsed, written when it succeeds


@contextlib.contextmanager
def writing():
    """Cache what is parsed inside the block, written when the block ends without an error. `duban check` runs
    in it, inside the workspace lock, so a failed run leaves the workspace as it found it; every other command
    only reads the cache (a national rollup does not hold a thousand workspaces' bytes waiting to be written)."""
    global _PENDING
    outer, _PENDING = _PENDING, []
    try:
        yield
        for root, cache, data in _PENDING:
            _write(root, cache, data)
    finally:
        _PENDING = outer


# ---------------------------------------------------------------- the lexicon

LEXICON_SCHEMA = "duban/lexicon-cache@1"
_LEXICON_CODE = ("extract/lexicon.py", "extract/finders.py", "facts_cache.py")


def _lexicon_key(sources: dict[str, bytes]) -> str:
    """sha256 over the lexicon files' names and bytes, the code that reads and compiles them, Python and duban."""
    import sys

    digest = hashlib.sha256(f"{LEXICON_SCHEMA}\0{__version__}\0{sys.version}\0".encode())
    here = Path(__file__).resolve().parent
    for name in _LEXICON_CODE:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    for stem, data in sources.items():
        digest.update(stem.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def prime_lexicon(root: Path) -> None:
    """The default lexicon of this run (extract/lexicon.py get_lexicon), read from <root>/.duban/cache/lexicon.json
    when that file was written for the very same lexicon files by the same code. It holds the files' parsed
    documents (JSON, type-checked as the YAML loader checks them), which compiled without an error when it was
    written; so the stage, flag and period finders are compiled only if this run extracts text (`duban check` on
    extracted readings does not): ~0.05 s of a district's start-up. Otherwise the lexicon is loaded as usual (its
    errors reported as usual) and, inside writing(), cached."""
    from .extract import lexicon

    if not enabled() or (lexicon.default_loaded() and _PENDING is None):
        return
    try:
        sources = {stem: (Path(lexicon.LEXICON_DIR) / f"{stem}.yaml").read_bytes() for stem in lexicon.FILES}
        key = _lexicon_key(sources)
    except OSError:  # a missing file: get_lexicon words the problem when the lexicon is needed
        return
    cache = root / CACHE_DIR / "lexicon.json"
    docs = _read_lexicon(cache, key)
    if docs is not None:
        if lexicon.default_loaded():
            return  # already loaded (duban import extracted with it) and already cached
        with contextlib.suppress(lexicon.LexiconError):  # cannot be, for the same files: then it is loaded as usual
            lexicon.use_default(lexicon.from_documents(docs, defer=True))
            return
    lx = lexicon.get_lexicon()
    if _PENDING is None:
        return
    docs = {stem: {"entries": lx.raw[stem]} for stem in lexicon.FILES}
    docs["stages"]["negators"] = list(lx.stage_negators)
    try:  # not edited while it was being loaded
        unchanged = _lexicon_key({stem: (Path(lexicon.LEXICON_DIR) / f"{stem}.yaml").read_bytes()
                                  for stem in lexicon.FILES}) == key
    except OSError:
        unchanged = False
    if unchanged and _exact(docs):
        try:
            data = orjson.dumps({"schema": LEXICON_SCHEMA, "key": key, "documents": docs})
        except TypeError:  # orjson.JSONEncodeError
            return
        _PENDING.append((root, cache, data))


def _read_lexicon(cache: Path, key: str) -> dict | None:
    from .extract.lexicon import FILES, LexiconError, check_document

    try:
        if not cache.is_file() or cache.stat().st_size > MAX_YAML_BYTES:
            return None
        doc = orjson.loads(cache.read_bytes())
        if not (isinstance(doc, dict) and doc.get("schema") == LEXICON_SCHEMA and doc.get("key") == key):
            return None
        docs = doc["documents"]
        _need(type(docs) is dict and sorted(docs) == sorted(FILES))
        for stem in FILES:
            check_document(docs[stem], stem)
        negators = docs["stages"].get("negators", [])
        _need(type(negators) is list and all(type(n) is str and n for n in negators))
        return docs
    except (OSError, orjson.JSONDecodeError, _Bad, LexiconError, KeyError, TypeError, ValueError, AttributeError):
        return None  # corrupt, foreign or stale: loaded from the YAML files and rewritten


# ---------------------------------------------------------------- to JSON

_ITEM_FIELDS = ("id", "kind", "text", "seq", "category", "name", "annual_target_text", "leaders", "lead_units",
                "coop_units", "targets", "duplicate_of", "line", "deadline")
_ENTRY_FIELDS = ("id", "text", "reported_status", "source_seq", "source_text", "measures", "data_period", "stage",
                 "flags", "line")


def _to_json(kind: str, facts) -> dict:
    if kind == "plan":
        return {"region": facts.region, "year": facts.year, "source": facts.source,
                "tasks": [[getattr(i, f) for f in _ITEM_FIELDS] for i in facts.tasks],
                "indicators": [[getattr(i, f) for f in _ITEM_FIELDS] for i in facts.indicators]}
    return {"period": facts.period, "as_of": facts.as_of,
            "entries": [[getattr(e, f) for f in _ENTRY_FIELDS] for e in facts.entries.values()]}


def _exact(value) -> bool:
    """True when JSON gives this value back unchanged: plain containers, str keys, finite floats."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if not all(type(k) is str for k in v):
                return False
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            if isinstance(v, tuple):
                return False
            stack.extend(v)
        elif type(v) is float:
            if v - v != 0.0:
                return False
        elif type(v) not in _JSON_SCALAR:
            return False
    return True


def _encode(kind: str, key: str, facts) -> bytes | None:
    payload = _to_json(kind, facts)
    if not _exact(payload):  # a value JSON cannot carry exactly (an unknown key with .nan, a huge int): no cache
        return None
    try:
        return orjson.dumps({"schema": SCHEMA, "key": key, "kind": kind, "facts": payload})
    except TypeError:  # orjson.JSONEncodeError
        return None


def _write(root: Path, cache: Path, data: bytes) -> None:
    from .store.yamlio import atomic_write_bytes

    try:
        ignore = root / CACHE_DIR / ".gitignore"  # .duban/imported.json beside it is committed; the cache is not
        if not ignore.exists():
            atomic_write_bytes(ignore, b"# duban's cache of parsed facts: rebuilt when missing\n*\n")
        atomic_write_bytes(cache, data)
    except OSError:  # a read-only workspace, a full disk: the next run parses again
        return


# ---------------------------------------------------------------- from JSON, checked

class _Bad(Exception):
    """The cache file does not have the shape the loader writes."""


def _read(cache: Path, kind: str, key: str, source: str):
    try:
        if not cache.is_file() or cache.stat().st_size > 4 * MAX_YAML_BYTES:
            return None
        doc = orjson.loads(cache.read_bytes())
        if not (isinstance(doc, dict) and doc.get("schema") == SCHEMA and doc.get("key") == key and doc.get("kind") == kind):
            return None
        return _plan(doc["facts"], source) if kind == "plan" else _progress(doc["facts"], source)
    except (OSError, orjson.JSONDecodeError, _Bad, KeyError, TypeError, ValueError, AttributeError):
        return None  # corrupt, foreign or stale: parsed again and rewritten


def _need(ok: bool) -> None:
    if not ok:
        raise _Bad


def _opt(value, kind=str) -> None:
    _need(value is None or type(value) is kind)


def _strs(value) -> list:
    _need(type(value) is list and all(type(v) is str for v in value))
    return value


def _reading(node) -> dict:
    """The loader's own checks of a reading (facts._check_reading), as a yes/no: every known field its type."""
    if type(node) is not dict:
        raise _Bad
    for name, value in node.items():
        if value is None:
            continue
        expected = READING_FIELDS.get(name)
        if expected is None:
            if name == "span" and not (type(value) is list and len(value) == 2 and type(value[0]) is int
                                       and type(value[1]) is int and 0 <= value[0] <= value[1]):
                raise _Bad
        elif type(value) is bool:
            if expected is not bool:
                raise _Bad
        elif not isinstance(value, expected):
            raise _Bad
        elif name == "data_period":
            _reading(value)
    return node


def _readings(value) -> list:
    _need(type(value) is list)
    return [_reading(v) for v in value]


def _item(row, kind: str) -> Item:
    _need(type(row) is list and len(row) == len(_ITEM_FIELDS))
    values = dict(zip(_ITEM_FIELDS, row))
    _need(type(values["id"]) is str and type(values["text"]) is str and values["kind"] == kind)
    for name in ("seq", "category", "name", "annual_target_text", "duplicate_of", "deadline"):
        _opt(values[name])
    for name in ("leaders", "lead_units", "coop_units"):
        _strs(values[name])
    _readings(values["targets"])
    _opt(values["line"], int)
    return Item(**values)


def _plan(data, source: str) -> Plan:
    _need(type(data) is dict and type(data["region"]) is str and type(data["year"]) is int)
    tasks = [_item(row, "task") for row in data["tasks"]]
    indicators = [_item(row, "indicator") for row in data["indicators"]]
    return Plan(path=source, region=data["region"], year=data["year"], source=_strs(data["source"]), tasks=tasks,
                indicators=indicators)


def _entry(row) -> Entry:
    _need(type(row) is list and len(row) == len(_ENTRY_FIELDS))
    values = dict(zip(_ENTRY_FIELDS, row))
    _need(type(values["id"]) is str and type(values["text"]) is str)
    for name in ("reported_status", "source_seq", "source_text"):
        _opt(values[name])
    _readings(values["measures"])
    _readings(values["flags"])
    for name in ("data_period", "stage"):
        if values[name] is not None:
            _reading(values[name])
    _opt(values["line"], int)
    return Entry(**values)


def _progress(data, source: str) -> Progress:
    _need(type(data) is dict and type(data["period"]) is str)
    _opt(data["as_of"])
    entries = {}
    for row in data["entries"]:
        entry = _entry(row)
        _need(entry.id not in entries)
        entries[entry.id] = entry
    return Progress(path=source, period=data["period"], as_of=data["as_of"], entries=entries)

