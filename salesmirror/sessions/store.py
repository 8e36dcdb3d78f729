"""The session store: one SQLite database (WAL) in the user's sessions folder.

Opening the store migrates its schema (`schema.sql`), keeps a damaged database aside instead of
touching it, and sweeps sessions a crash left open. Reads and edits happen here; a running call is
written by its `SessionJournal`, on its own connection and thread.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from salesmirror.call_summary import CallFigures, CallNotes
from salesmirror.events import (
    AudioLoss,
    CaptureMode,
    Caution,
    CautionKind,
    Nudge,
    Segment,
    Speaker,
    Utterance,
    Word,
)
from salesmirror.paths import make_private_folder
from salesmirror.sessions.call_json import read_figures
from salesmirror.sessions.records import SessionRow, SessionSource, SessionState, StoredSession

DATABASE_NAME = "sessions.db"
AUDIO_FOLDER = "audio"
SCHEMA_FILE = Path(__file__).with_name("schema.sql")
# A recording session whose writer has not written for this long is not coming back.
STALE_AFTER_S = 10.0
BUSY_TIMEOUT_S = 2.0
_ROW_COLUMNS = (
    "id, started_at, ended_at, duration_s, state, source, mode, devices, model, title, note, audio_kept,"
    " summary, (SELECT count(*) FROM nudges WHERE nudges.session_id = sessions.id)"
)
_VERSION_HEADER = re.compile(r"^-- version (\d+):", re.MULTILINE)


class StoreError(Exception):
    """The session store cannot be used; the message says why and what to do, in plain words."""


def migrations() -> list[tuple[int, str]]:
    """(version, SQL) for every section of the schema file, in order."""
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    heads = list(_VERSION_HEADER.finditer(text))
    return [
        (int(head.group(1)), text[head.start() : heads[i + 1].start() if i + 1 < len(heads) else len(text)])
        for i, head in enumerate(heads)
    ]


LATEST_VERSION = migrations()[-1][0]


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the settings every user of the store relies on."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=True)
    connection.execute("PRAGMA foreign_keys = ON")
    # WAL with synchronous=NORMAL: a killed process loses nothing committed; a power cut at most
    # the last commits, never the database.
    # Switching to WAL needs the file to itself: many processes opening a new profile at once
    # queue for it longer than the busy timeout, so it is retried; once WAL, it stays WAL.
    deadline = time.monotonic() + 10 * BUSY_TIMEOUT_S
    while connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            connection.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() > deadline:
                connection.close()
                raise
    connection.execute("PRAGMA synchronous = NORMAL")
    return connection


def migrate(connection: sqlite3.Connection, target: int = LATEST_VERSION) -> None:
    """Bring the schema up to `target`.

    Each step takes the write lock first and looks at the version again under it, so several
    SalesMirror processes starting together on a new profile apply each step exactly once (the
    others wait for the lock, then find it done)."""
    start = connection.execute("PRAGMA user_version").fetchone()[0]
    if start > LATEST_VERSION:
        raise StoreError(
            f"The session database was written by a newer SalesMirror (schema {start}); "
            "update SalesMirror to open it."
        )
    for version, sql in migrations():
        if not start < version <= target:
            continue
        connection.execute("BEGIN IMMEDIATE")
        try:
            if connection.execute("PRAGMA user_version").fetchone()[0] < version:
                for statement in _statements(sql):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version}")
            connection.execute("COMMIT")
        except sqlite3.Error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise


def _statements(sql: str) -> list[str]:
    """A migration's SQL as single statements (triggers keep their inner semicolons)."""
    statements, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements


def now_utc() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _process_alive(pid: int | None) -> bool:
    if pid is None:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return True  # no cheap check: the heartbeat decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SessionStore:
    """The sessions folder and its database. Use from one thread (the GUI's or the CLI's)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / DATABASE_NAME
        self.notices: list[str] = []  # what opening had to do, to tell the user once
        self._make_private_folder()
        self._connection = self._open()
        self.recovered = self._sweep_unfinished()

    # --- opening ------------------------------------------------------------------------------

    def _make_private_folder(self) -> None:
        try:
            make_private_folder(self.folder)
            os.chmod(self.folder, 0o700)  # calls are private: only this user may read them
        except OSError as exc:
            raise StoreError(
                f"The sessions folder {self.folder} cannot be created ({exc.strerror or exc})."
            ) from exc

    def _open(self) -> sqlite3.Connection:
        try:
            return self._open_and_migrate()
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise StoreError(
                    f"The session database {self.path} is locked by another program (perhaps a second "
                    "SalesMirror or a backup tool). Close it and try again; nothing was changed."
                ) from exc
            raise StoreError(f"The session database {self.path} cannot be opened: {exc}.") from exc
        except sqlite3.DatabaseError as exc:  # not a database, or malformed
            kept = self._keep_damaged_aside()
            self.notices.append(
                f"The session database was damaged ({exc}); it was kept as {kept.name} in {self.folder} "
                "and a new one was started. Earlier sessions are in that file."
            )
            return self._open_and_migrate()

    def _open_and_migrate(self) -> sqlite3.Connection:
        # The database and its WAL files are this user's to read and write: a copy restored
        # read-only leaves a read-only -shm behind, which fails every write after the database
        # itself is writable again.
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.chmod(f"{self.path}{suffix}", 0o600)
        connection = connect(self.path)
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)
        try:
            migrate(connection)
            _check_integrity(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _keep_damaged_aside(self) -> Path:
        """Move the damaged file (and its WAL files) to a name no earlier one has: two damaged
        databases kept aside in the same second must not overwrite each other."""
        stamp = now_utc().strftime("%Y%m%d-%H%M%S")
        kept = self.path.with_name(f"{self.path.stem}.damaged-{stamp}{self.path.suffix}")
        again = 1
        while any(Path(f"{kept}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
            again += 1
            kept = self.path.with_name(f"{self.path.stem}.damaged-{stamp}-{again}{self.path.suffix}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                shutil.move(source, Path(f"{kept}{suffix}"))
        return kept

    def _sweep_unfinished(self) -> list[int]:
        """Close sessions a crash or `kill -9` left open; they keep everything written."""
        stale_before = _iso(now_utc() - timedelta(seconds=STALE_AFTER_S))
        rows = self._connection.execute(
            "SELECT id, writer_pid, heartbeat_at FROM sessions WHERE state = 'recording'"
        ).fetchall()
        dead = [
            session_id
            for session_id, pid, heartbeat in rows
            if not _process_alive(pid) or (heartbeat or "") < stale_before
        ]
        for session_id in dead:
            self._recover(session_id)
        if dead:
            self.notices.append(
                f"{len(dead)} call{'s' if len(dead) > 1 else ''} cut short by a crash "
                f"{'were' if len(dead) > 1 else 'was'} recovered up to its last seconds."
            )
        return dead

    def _recover(self, session_id: int) -> None:
        last = self._connection.execute(
            "SELECT figures FROM figures WHERE session_id = ? ORDER BY t DESC LIMIT 1", (session_id,)
        ).fetchone()
        summary = last[0] if last else None  # the figures as they stood: the summary's shape
        with self._transaction():
            self._connection.execute(
                "UPDATE sessions SET state = 'recovered', summary = coalesce(summary, ?),"
                " ended_at = coalesce(ended_at, strftime('%Y-%m-%dT%H:%M:%fZ', started_at,"
                " '+' || duration_s || ' seconds')) WHERE id = ?",
                (summary, session_id),
            )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise _plain_error(exc, self.path) from exc
        except sqlite3.DatabaseError as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise _damaged(exc, self.path) from exc
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._connection.close()

    # --- reading ------------------------------------------------------------------------------

    def sessions(
        self, search: str = "", since: date | None = None, until: date | None = None, limit: int = 500
    ) -> list[SessionRow]:
        """Newest first. `search` matches transcript words (full-text), titles and notes."""
        clauses, params = [], []
        if search.strip():
            clauses.append(
                "(id IN (SELECT lines.session_id FROM lines_search"
                " JOIN lines ON lines.id = lines_search.rowid WHERE lines_search MATCH ?)"
                " OR title LIKE ? OR note LIKE ?)"
            )
            like = f"%{search.strip()}%"
            params += [_match_query(search), like, like]
        if since is not None:
            clauses.append("started_at >= ?")
            params.append(_iso(_local_midnight(since)))
        if until is not None:
            clauses.append("started_at < ?")
            params.append(_iso(_local_midnight(until + timedelta(days=1))))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._read(
            f"SELECT {_ROW_COLUMNS} FROM sessions {where} ORDER BY started_at DESC, id DESC LIMIT ?",
            (*params, limit),
        )
        return [_row(r) for r in rows]

    def row(self, session_id: int) -> SessionRow:
        rows = self._read(f"SELECT {_ROW_COLUMNS} FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise StoreError(f"There is no session {session_id} (see 'salesmirror sessions list').")
        return _row(rows[0])

    def load(self, session_id: int, with_words: bool = False) -> StoredSession:
        """Everything stored about one session, ordered as `analyze` orders it."""
        row = self.row(session_id)
        segments = [
            Segment(Speaker(speaker), start, end)
            for speaker, start, end in self._read(
                "SELECT speaker, start, end FROM segments WHERE session_id = ? ORDER BY start, speaker",
                (session_id,),
            )
        ]
        words: dict[int, list[Word]] = {}
        if with_words:
            for line_id, text, start, end, confidence in self._read(
                "SELECT line_id, words.text, words.start, words.end, confidence FROM words"
                " JOIN lines ON lines.id = line_id WHERE session_id = ? ORDER BY line_id, position",
                (session_id,),
            ):
                words.setdefault(line_id, []).append(Word(text, start, end, confidence))
        lines = [
            Utterance(Speaker(speaker), start, end, text, tuple(words.get(line_id, ())))
            for line_id, speaker, start, end, text in self._read(
                "SELECT id, speaker, start, end, text FROM lines WHERE session_id = ? ORDER BY start, id",
                (session_id,),
            )
        ]
        nudges = [
            Nudge(t, kind, text, evidence)
            for t, kind, text, evidence in self._read(
                "SELECT t, kind, text, evidence FROM nudges WHERE session_id = ? ORDER BY t, id",
                (session_id,),
            )
        ]
        audio_lost = [
            AudioLoss(t, Speaker(speaker))
            for t, speaker in self._read(
                "SELECT t, speaker FROM audio_lost WHERE session_id = ? ORDER BY t", (session_id,)
            )
        ]
        known = {str(kind) for kind in CautionKind}
        cautions = [
            Caution(t, CautionKind(kind))
            for t, kind in self._read(
                "SELECT t, kind FROM cautions WHERE session_id = ? ORDER BY t", (session_id,)
            )
            if kind in known  # a newer version's reason is not one this version can word
        ]
        return StoredSession(row, segments, lines, nudges, audio_lost, cautions)

    def figures_over_time(self, session_id: int) -> list[tuple[float, CallFigures]]:
        """The figures as they stood about once a second (session time, figures). Read apart from
        `load`: an hour is 3,600 of them, which opening a replay does not need."""
        return [
            (t, read_figures(values)[0])
            for t, values in self._read(
                "SELECT t, figures FROM figures WHERE session_id = ? ORDER BY t", (session_id,)
            )
        ]

    def recent(
        self, limit: int = 10, until: datetime | None = None, with_demos: bool = False
    ) -> list[SessionRow]:
        """The seller's last sessions with figures, oldest first: the trend behind a session.
        Demo runs are a trainer's, not the seller's, and are left out unless asked for."""
        bound = _iso(until or now_utc() + timedelta(days=1))
        demos = "" if with_demos else " AND source != 'demo'"
        rows = self._read(
            f"SELECT {_ROW_COLUMNS} FROM sessions WHERE summary IS NOT NULL AND started_at <= ?{demos}"
            " ORDER BY started_at DESC, id DESC LIMIT ?",
            (bound, limit),
        )
        return [_row(r) for r in reversed(rows)]

    def audio_folder(self, session_id: int) -> Path:
        return self.folder / AUDIO_FOLDER / str(session_id)

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._connection.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise _plain_error(exc, self.path) from exc
        except sqlite3.DatabaseError as exc:
            raise _damaged(exc, self.path) from exc

    # --- editing ------------------------------------------------------------------------------

    def rename(self, session_id: int, title: str) -> None:
        self.row(session_id)
        with self._transaction() as db:
            db.execute("UPDATE sessions SET title = ? WHERE id = ?", (title.strip() or None, session_id))

    def set_note(self, session_id: int, note: str) -> None:
        self.row(session_id)
        with self._transaction() as db:
            db.execute("UPDATE sessions SET note = ? WHERE id = ?", (note.strip(), session_id))

    def delete(self, session_id: int) -> None:
        """Really gone: every row (cascading) and the audio files."""
        row = self.row(session_id)
        if row.state is SessionState.RECORDING and session_id not in self.recovered:
            raise StoreError("This call is still being recorded; stop it before deleting it.")
        with self._transaction() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        shutil.rmtree(self.audio_folder(session_id), ignore_errors=True)


def _row(r: sqlite3.Row | tuple[Any, ...]) -> SessionRow:
    (
        session_id,
        started,
        ended,
        duration,
        state,
        source,
        mode,
        devices,
        model,
        title,
        note,
        audio,
        summary,
        nudges,
    ) = r
    figures, notes = (None, CallNotes()) if summary is None else read_figures(summary)
    return SessionRow(
        id=session_id,
        started_at=datetime.fromisoformat(started),
        ended_at=None if ended is None else datetime.fromisoformat(ended),
        duration_s=duration,
        state=SessionState(state),
        source=SessionSource(source),
        mode=CaptureMode(mode) if mode in set(CaptureMode) else None,
        devices=json.loads(devices),
        model=model,
        title=title,
        note=note,
        audio_kept=bool(audio),
        figures=figures,
        notes=notes,
        nudges=nudges,
    )


def _match_query(search: str) -> str:
    """Every word the user typed must occur (prefixes allowed); FTS syntax is never passed through."""
    words = re.findall(r"\w+", search.lower())
    return " AND ".join(f'"{word}"*' for word in words) or '""'


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day).astimezone()


def _damaged(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    """Damage met after opening: the next start's integrity check keeps the file aside."""
    return StoreError(
        f"The session database {path} is damaged ({exc}). Restart SalesMirror: it keeps the "
        "damaged file aside and starts a new one."
    )


def _check_integrity(connection: sqlite3.Connection) -> None:
    """Damage inside a page (a bad sector, a half-synced copy) reads fine until a query reaches
    it, then fails for ever, and new calls would keep going into the damaged file. quick_check
    reads every page without the costly index cross-checks: milliseconds per megabyte."""
    verdict = [row[0] for row in connection.execute("PRAGMA quick_check(1)").fetchall()]
    if verdict != ["ok"]:
        raise sqlite3.DatabaseError(f"integrity check: {verdict[0] if verdict else 'no answer'}")


def _is_busy(exc: BaseException) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _is_full(exc: BaseException) -> bool:
    return "full" in str(exc) or getattr(exc, "errno", None) == errno.ENOSPC


def failure_reason(exc: BaseException) -> str:
    """Why a write failed, in the user's words."""
    if _is_full(exc):
        return "the disk is full"
    if _is_busy(exc):
        return "the session database is locked by another program"
    return str(exc)


def _plain_error(exc: sqlite3.OperationalError, path: Path) -> StoreError:
    if _is_busy(exc) or _is_full(exc):
        return StoreError(
            f"The session database {path} cannot be written: {failure_reason(exc)}. Try again later."
        )
    return StoreError(f"The session database {path} could not be used: {exc}.")
