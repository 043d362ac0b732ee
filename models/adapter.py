"""What only SQLite has, kept in one place so a PostgreSQL adapter can stand beside it.

Callers use: ``write_transaction`` (an exclusive write from its first statement, so numbers and the
audit chain are allocated safely between processes), ``install_append_only`` (triggers that refuse
UPDATE and DELETE), ``backup_to`` (a consistent copy while the database is live), the two
integrity checks, and the case search index (FTS5 with the trigram tokenizer).
"""
from __future__ import annotations

import operator
import sqlite3
from contextlib import AbstractContextManager
from functools import reduce
from pathlib import Path
from typing import Any

import peewee

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "full"),       # a committed action survives a power cut
    ("busy_timeout", 15000),       # milliseconds another process may hold the write lock
    ("secure_delete", 1),          # personal data: deleted pages are zeroed
)

SEARCH_TABLE = "case_search"
SEARCH_CONTENT = f"{SEARCH_TABLE}_content"     # FTS5's shadow table holding the indexed text
SEARCH_COLUMNS = ("number", "applicant", "cadres", "id_numbers", "units", "accountability", "notes")

# Each case's searchable text, column for column with SEARCH_COLUMNS. Values are joined by spaces
# (notes by new lines), so a search term, which never holds white space, cannot straddle two values.
_INDEX_SQL = f"""
INSERT INTO {SEARCH_TABLE}(rowid, {", ".join(SEARCH_COLUMNS)})
SELECT c.id, c.number,
  coalesce((SELECT a.name || ' ' || a.contact_person FROM applicant a WHERE a.case_id = c.id), ''),
  coalesce((SELECT group_concat(cd.name, ' ') FROM case_cadre cc JOIN cadre cd ON cd.id = cc.cadre_id
            WHERE cc.case_id = c.id), ''),
  coalesce((SELECT a.id_number || ' ' || a.credit_code FROM applicant a WHERE a.case_id = c.id), '') || ' ' ||
  coalesce((SELECT group_concat(cd.id_number, ' ') FROM case_cadre cc JOIN cadre cd ON cd.id = cc.cadre_id
            WHERE cc.case_id = c.id), ''),
  coalesce((SELECT group_concat(cc.unit, ' ') FROM case_cadre cc WHERE cc.case_id = c.id), ''),
  c.accountability_organ || ' ' || c.accountability_matter,
  coalesce((SELECT group_concat(n.text, char(10)) FROM investigation_note n WHERE n.case_id = c.id), '')
FROM "case" c"""


def _phrase(term: str) -> str:
    """An FTS5 string: double quotes doubled, so any input is one phrase, never query syntax."""
    return '"' + term.replace('"', '""') + '"'


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqliteAdapter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=15)

    def write_transaction(self) -> AbstractContextManager[Any]:
        # BEGIN IMMEDIATE takes the write lock up front: two processes allocating the next case
        # number or audit sequence wait for each other instead of failing at commit.
        return self.db.atomic(lock_type="IMMEDIATE")

    def install_append_only(self, table: str) -> None:
        for verb in ("UPDATE", "DELETE"):
            self.db.execute_sql(
                f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{verb.lower()}" BEFORE {verb} ON "{table}" '
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )

    # --- case search -----------------------------------------------------------------------------
    # One row per case (rowid = case id) holding the text a search box looks at. A PostgreSQL
    # adapter would offer the same methods over a pg_trgm GIN index on the same text.

    def install_case_search(self) -> None:
        """Create the search index (empty). FTS5 trigram: any substring of 3+ characters is indexed."""
        columns = ", ".join(SEARCH_COLUMNS)
        self.db.execute_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5({columns}, tokenize='trigram')"
        )

    def index_cases(self, case_ids: list[int]) -> None:
        """(Re)index these cases from the tables, inside the caller's transaction.

        PostgreSQL (pg_trgm) would upsert the same text into an indexed table instead."""
        for start in range(0, len(case_ids), 500):
            chunk = case_ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            self.db.execute_sql(f"DELETE FROM {SEARCH_TABLE} WHERE rowid IN ({marks})", chunk)
            self.db.execute_sql(f"{_INDEX_SQL} WHERE c.id IN ({marks})", chunk)

    def rebuild_case_search(self) -> int:
        """Empty the index and fill it again from every case; the number of cases indexed."""
        self.db.execute_sql(f"DELETE FROM {SEARCH_TABLE}")
        self.db.execute_sql(_INDEX_SQL)
        self.db.execute_sql(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('optimize')")
        return int(self.db.execute_sql(f"SELECT count(*) FROM {SEARCH_TABLE}").fetchone()[0])

    def case_search_count(self) -> int:
        return int(self.db.execute_sql(f"SELECT count(*) FROM {SEARCH_TABLE}").fetchone()[0])

    def case_text_condition(self, case_id: Any, terms: list[str]) -> Any:
        """A condition on ``case_id`` (a peewee column): every term occurs somewhere in the case's text.

        Terms of 3+ characters go to an FTS5 MATCH, each quoted as a phrase so that ``"``, ``*``,
        ``OR`` or ``:`` typed by a user are text, not query syntax. Trigrams cannot match 1–2
        characters (most Chinese names), so those terms are a LIKE (``%`` and ``_`` escaped) over
        the same text. PostgreSQL: ``ILIKE`` over a pg_trgm index."""
        long_terms = [t for t in terms if len(t) >= 3]
        short_terms = [t for t in terms if len(t) < 3]
        conditions: list[Any] = []
        if long_terms:
            query = " AND ".join(_phrase(t) for t in long_terms)
            conditions.append(case_id.in_(peewee.SQL(
                f"(SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?)", [query])))
        if short_terms:
            # One pass over the indexed text (a scan: measured faster than a per-case lookup), read
            # from FTS5's own copy of it, the ``_content`` shadow table (``id``, then ``c0``, ``c1`` … in
            # SEARCH_COLUMNS order), column by column: through the virtual table each value costs
            # a call into FTS5 and joining the columns a copy (docs/performance.md). No column
            # boundary is lost: a term holds no white space, and values are separated by it.
            per_term = "(" + " OR ".join(f"c{i} LIKE ? ESCAPE '\\'" for i in range(len(SEARCH_COLUMNS))) + ")"
            likes = " AND ".join(per_term for _ in short_terms)
            patterns = [f"%{_escape_like(t)}%" for t in short_terms for _ in SEARCH_COLUMNS]
            conditions.append(case_id.in_(peewee.SQL(f"(SELECT id FROM {SEARCH_CONTENT} WHERE {likes})", patterns)))
        return reduce(operator.and_, conditions) if conditions else peewee.SQL("1 = 1")

    def case_id_number_condition(self, case_id: Any, id_number: str) -> Any:
        """A condition on ``case_id``: an applicant or cadre has exactly this 18-character ID number.

        The number is matched as a phrase in the ID-number column only; an 18-character phrase can
        only match a whole 18-character number there (they are separated by spaces)."""
        query = f"id_numbers : {_phrase(id_number)}"
        return case_id.in_(peewee.SQL(f"(SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH ?)", [query]))

    def backup_to(self, target: Path) -> None:
        """Copy the live database with SQLite's backup API (a file copy would miss the WAL)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(str(self.path))
        try:
            dest = sqlite3.connect(str(target))
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()

    def integrity_problems(self) -> list[str]:
        rows = [r[0] for r in self.db.execute_sql("PRAGMA integrity_check").fetchall()]
        return [] if rows == ["ok"] else rows

    def foreign_key_problems(self) -> list[str]:
        rows = self.db.execute_sql("PRAGMA foreign_key_check").fetchall()
        return [f"表 {r[0]} 第 {r[1]} 行引用的 {r[2]} 不存在" for r in rows]
