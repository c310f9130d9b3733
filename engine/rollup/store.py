"""The rollup database: DuckDB tables (schema in docs/rollup.md), updated one workspace-period at a time, and
Parquet copies of the same tables. A workspace-period whose input key is unchanged is left as it is, so a
re-run with nothing changed never opens the database for writing."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import uuid
from pathlib import Path

import duckdb
import pandas as pd

from ..errors import InputError
from ..library_messages import sql_problem

SCHEMA = "duban/rollup@1"
KEY = "workspace VARCHAR NOT NULL, period VARCHAR NOT NULL"
ITEM_KEY = KEY + ", item_id VARCHAR NOT NULL"
TABLES = {
    "runs": f"""{KEY}, region VARCHAR, year INTEGER, period_label VARCHAR, as_of VARCHAR, time_progress DOUBLE,
        engine VARCHAR, rules_digest VARCHAR, data_digest VARCHAR, input_key VARCHAR, tasks INTEGER, indicators INTEGER,
        lagging_tasks INTEGER, summary_json VARCHAR, PRIMARY KEY (workspace, period)""",
    "items": f"""{ITEM_KEY}, region VARCHAR, seq VARCHAR, kind VARCHAR, category VARCHAR, name VARCHAR, text VARCHAR,
        leaders VARCHAR[], lead_units VARCHAR[], coop_units VARCHAR[], status VARCHAR, status_class VARCHAR,
        lagging BOOLEAN, status_reason VARCHAR, reported_status VARCHAR, escalation_step VARCHAR, progress_text VARCHAR,
        ratio DOUBLE, time_progress DOUBLE, shortfall DOUBLE, lead DOUBLE, growth_actual DOUBLE, growth_target DOUBLE,
        growth_shortfall DOUBLE, limit_excess DOUBLE, data_end_month DOUBLE, stage VARCHAR, metrics_json VARCHAR,
        PRIMARY KEY (workspace, period, item_id)""",
    "findings": f"""{ITEM_KEY}, finding_no INTEGER NOT NULL, rule VARCHAR, rule_version INTEGER, title VARCHAR,
        severity VARCHAR, status VARCHAR, escalation VARCHAR, message VARCHAR, quote VARCHAR, target_quote VARCHAR,
        source VARCHAR, waived BOOLEAN, values_json VARCHAR, thresholds_json VARCHAR,
        PRIMARY KEY (workspace, period, item_id, finding_no)""",
    "figures": f"""{ITEM_KEY}, finding_no INTEGER NOT NULL, rule VARCHAR, kind VARCHAR, name VARCHAR, value DOUBLE,
        text VARCHAR""",
    "escalations": f"""{ITEM_KEY}, step VARCHAR, periods VARCHAR[], streak INTEGER, PRIMARY KEY (workspace, period, item_id)""",
    "provenance": f"""{KEY}, source VARCHAR, name VARCHAR, version VARCHAR""",
}
ORDER = {"runs": "workspace, period", "items": "workspace, period, item_id",
         "findings": "workspace, period, item_id, finding_no", "figures": "workspace, period, item_id, finding_no, kind, name",
         "escalations": "workspace, period, item_id", "provenance": "workspace, period, source, name"}


def connect_read_only(db: Path, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """Read-only. `sandbox` (for `duban query`'s SQL) also shuts SQL out of the file system, the network and
    extensions (COPY … TO, read_csv('/etc/…'), INSTALL), and locks that setting against a later SET."""
    if not db.is_file():
        raise InputError("找不到汇总数据库", file=str(db), hint="先运行 duban rollup … --out 目录")
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise InputError(f"无法以只读方式打开汇总数据库：{sql_problem(exc)}", file=str(db)) from None
    if sandbox:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


def stored_keys(db: Path) -> dict[tuple[str, str], str]:
    """{(workspace, period): input_key} already in the database; {} when there is none yet."""
    if not db.is_file():
        return {}
    con = connect_read_only(db)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" not in tables:
            raise InputError("这个文件不是 duban 汇总数据库", file=str(db), hint="换一个 --db 路径，或删除它后重建")
        schema = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if not schema or schema[0] != SCHEMA:
            raise InputError(f"汇总数据库的格式为 {schema[0] if schema else '未知'}，本版本需要 {SCHEMA}", file=str(db),
                             hint="删除它后重新运行 duban rollup")
        return {(w, p): k for w, p, k in con.execute("SELECT workspace, period, input_key FROM runs").fetchall()}
    finally:
        con.close()


class Writer:
    """Replaces the rows of workspace-periods; creates the schema on first use. `replace` only collects: every
    BATCH workspace-periods (and at close) their old rows are deleted and the new ones appended in one
    transaction, one DataFrame per table — not one insert per workspace-period."""

    BATCH = 100

    def __init__(self, db: Path):
        db.parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(db))
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", [SCHEMA])
        for name, columns in TABLES.items():
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
        self.keys: list[tuple[str, str]] = []
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLES}

    def delete(self, workspace: str, period: str) -> None:
        for name in TABLES:
            self.con.execute(f"DELETE FROM {name} WHERE workspace = ? AND period = ?", [workspace, period])

    def replace(self, workspace: str, period: str, rows: dict[str, list[dict]]) -> None:
        self.keys.append((workspace, period))
        for name in TABLES:
            self.rows[name] += rows.get(name) or []
        if len(self.keys) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        keys, rows = self.keys, self.rows
        self.keys, self.rows = [], {name: [] for name in TABLES}  # taken first: a failed batch is not retried at close
        if not keys:
            return
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.register("replaced", pd.DataFrame(keys, columns=["workspace", "period"]))
            for name in TABLES:
                self.con.execute(f"DELETE FROM {name} USING replaced r WHERE {name}.workspace = r.workspace "
                                 f"AND {name}.period = r.period")
            for name in TABLES:
                if rows[name]:
                    self.con.register("incoming", pd.DataFrame(rows[name]))
                    self.con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming")
                    self.con.unregister("incoming")
            self.con.unregister("replaced")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def close(self) -> None:
        """Writes what is collected (after a failure too: those workspace-periods were judged), then checkpoints.
        A new stamp says the outputs made from the database before are out of date."""
        try:
            self.flush()
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", [uuid.uuid4().hex])
            self.con.execute("CHECKPOINT")
        finally:
            self.con.close()


def write_if_changed(path: Path, data: bytes) -> bool:
    """Writes only when the bytes differ, so an unchanged output keeps its bytes and its time stamp."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


STATE = ".rollup-outputs.json"  # in the output folder: the database stamp the outputs were made from, and their hashes


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stamp(con: duckdb.DuckDBPyConnection, db: Path) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
    return None if row is None else f"{db.resolve()}#{row[0]}"


def current_outputs(con: duckdb.DuckDBPyConnection, db: Path, out: Path) -> list[Path] | None:
    """The outputs, when they were made from this very database and nobody changed them since (each file's
    sha256 as written); None when they must be made again. An unchanged re-run of a national set is spared
    rebuilding ~50 MB of Parquet, ledger and page that would come out byte for byte the same."""
    state = out / STATE
    try:
        recorded = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    stamp = _stamp(con, db)
    files = recorded.get("files") if isinstance(recorded, dict) else None
    if stamp is None or recorded.get("stamp") != stamp or not isinstance(files, dict) or not files:
        return None
    paths = [out / name for name in files]
    if not all(p.is_file() and _sha(p) == files[p.relative_to(out).as_posix()] for p in paths):
        return None
    return paths


def record_outputs(con: duckdb.DuckDBPyConnection, db: Path, out: Path, paths: list[Path]) -> None:
    state = {"stamp": _stamp(con, db), "files": {p.relative_to(out).as_posix(): _sha(p) for p in paths}}
    write_if_changed(out / STATE, json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))


def export_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> list[Path]:
    """One Parquet file per table, rows in key order (the same database gives the same bytes)."""
    written = []
    con.execute("SET threads = 1")  # one writer thread: row groups in a fixed order
    with tempfile.TemporaryDirectory(prefix="duban-parquet-") as tmp:
        for name in TABLES:
            target = Path(tmp) / f"{name}.parquet"
            con.execute(f"COPY (SELECT * FROM {name} ORDER BY {ORDER[name]}) TO '{target.as_posix()}' (FORMAT parquet)")
            path = out / f"{name}.parquet"
            write_if_changed(path, target.read_bytes())
            written.append(path)
    return written


REPORT_COLUMNS = {"runs": "*", "items": "workspace, period, item_id, kind, category, leaders, lead_units, status, lagging"}


def frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """What the ledger and page need, without the texts: a national rollup's items stay small in memory."""
    return {name: con.execute(f"SELECT {cols} FROM {name} ORDER BY {ORDER[name]}").df() for name, cols in REPORT_COLUMNS.items()}
