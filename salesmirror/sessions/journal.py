"""Writes one call into the session store while it happens, without ever making the call wait.

The journal follows the coaching session on the analysis worker, where it only copies plain data
into a queue: finished speech segments and the ones still open, transcript lines with their words,
nudges with their evidence, and the figures about once a second. Its own writer thread commits
that queue twice a second in one transaction, so a crash or `kill -9` loses at most the last
second of the call (the bar is two). When the user opted in, the same thread keeps the audio as
Ogg Vorbis beside the database.

When a write fails (another program holds the database, the disk is full), nothing is dropped: the
rows wait in memory and the writer tries again with growing pauses, says so once through
`on_problem`, and says again when saving has caught up. The call itself goes on. Only when the
call has ended and the store still refuses for a while does it give up; `outcome()` then says
exactly how much was kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from salesmirror.audio_format import SAMPLE_RATE
from salesmirror.call_summary import CallFigures
from salesmirror.coaching.session import CoachingSession
from salesmirror.events import AudioLoss, Caution, Nudge, Segment, Speaker, Utterance
from salesmirror.sessions.call_json import figures_json
from salesmirror.sessions.records import SessionInfo
from salesmirror.sessions.store import AUDIO_FOLDER, DATABASE_NAME, connect, failure_reason, now_utc
from salesmirror.timefmt import clock

SAMPLE_EVERY_S = 0.5  # session seconds between looks at the open segments
FIGURES_EVERY_S = 1.0  # session seconds between stored figures
FLUSH_EVERY_S = 0.5  # wall seconds between commits
HEARTBEAT_EVERY_S = 1.0  # wall seconds between "still recording" marks while nothing happens
NOTHING_TO_KEEP_S = 0.5  # a call stopped before this much of it was heard is not kept
FIRST_RETRY_S = 0.5  # wall seconds before a failed write is tried again; doubled each time
LONGEST_RETRY_S = 8.0
# Once the call has ended: how long to keep trying before saying what was kept (within the
# pipeline's own wait for the journal, so the window reports the final outcome).
GIVE_UP_AFTER_END_S = 8.0


@dataclass(frozen=True, slots=True)
class _Progress:
    t: float
    segments: list[Segment]  # new closed segments, and the open ones as they stand
    figures: CallFigures | None


@dataclass(frozen=True, slots=True)
class _Finish:
    t: float
    segments: list[Segment]
    figures: CallFigures


@dataclass(frozen=True, slots=True)
class _Audio:
    speaker: Speaker
    samples: np.ndarray


class SessionJournal:
    """The store's writer for one call. Build it, `start()` it, attach it to the coaching session
    as its observer; `wait()` after the session finished returns once everything is on disk."""

    def __init__(
        self, folder: Path, info: SessionInfo, on_problem: Callable[[str], None] = lambda _message: None
    ) -> None:
        self.folder = folder
        self.info = info
        self.session_id: int | None = None
        self.saving = True  # False once writing gave up: the rest of the call is not kept
        self._on_problem = on_problem
        self._queue: queue.Queue[object] = queue.Queue()
        self._seen = {speaker: 0 for speaker in Speaker}
        self._next_sample = 0.0
        self._next_figures = 0.0
        self._keeping_audio = info.keep_audio
        self._audio_files: dict[Speaker, soundfile.SoundFile] = {}
        self._saved_until = 0.0
        self._ended_at: float | None = None  # the call's length, once it finished and was kept
        self.ready = threading.Event()  # the session row exists (or could not be made)
        self._thread = threading.Thread(target=self._write, name="session journal", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Until the finished session is committed (or writing gave up)."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def keeps_audio(self) -> bool:
        return self._keeping_audio

    # --- SessionObserver: the analysis worker, copies only -------------------------------------

    def on_frame(self, session: CoachingSession) -> None:
        if session.now >= self._next_sample:
            self._next_sample = session.now + SAMPLE_EVERY_S
            figures = None
            if session.now >= self._next_figures:
                self._next_figures = session.now + FIGURES_EVERY_S
                figures = session.headline()
            self._queue.put(_Progress(session.now, self._new_segments(session), figures))

    def on_utterance(self, utterance: Utterance) -> None:
        self._queue.put(utterance)

    def on_nudge(self, nudge: Nudge) -> None:
        self._queue.put(nudge)

    def on_audio_lost(self, loss: AudioLoss) -> None:
        self._queue.put(loss)

    def on_caution(self, caution: Caution) -> None:
        self._queue.put(caution)

    def on_finish(self, session: CoachingSession) -> None:
        self._queue.put(_Finish(session.now, self._new_segments(session), session.headline()))

    def keep_audio(self, speaker: Speaker, samples: np.ndarray) -> None:
        """One channel's audio, as the analysis heard it (opt-in; the copy is the only cost here)."""
        if self._keeping_audio:
            self._queue.put(_Audio(speaker, samples.copy()))

    def _new_segments(self, session: CoachingSession) -> list[Segment]:
        out: list[Segment] = []
        for speaker in Speaker:
            closed = session.talk.closed_segments(speaker)
            out += closed[self._seen[speaker] :]
            self._seen[speaker] = len(closed)
            start = session.talk.current_run_start(speaker)
            if start is not None:
                out.append(Segment(speaker, start, session.now))
        return out

    # --- the writer thread -------------------------------------------------------------------

    def _write(self) -> None:
        try:
            connection = connect(self.folder / DATABASE_NAME)
        except sqlite3.Error as exc:
            self._give_up(f"This call is not being saved: {exc}.")
            self.ready.set()
            self._drain_until_finished()
            return
        try:
            self._record(connection)
        finally:
            for audio in self._audio_files.values():
                with contextlib.suppress(OSError, RuntimeError):
                    audio.close()
            connection.close()

    def _record(self, connection: sqlite3.Connection) -> None:
        pending: list[object] = []  # rows not yet committed, oldest first
        audio: list[_Audio] = []  # blocks heard before the session row existed
        heartbeat_at = retry_at = 0.0
        delay = FIRST_RETRY_S
        held_up_since: float | None = None  # wall time of the first failure in a row
        ended_at: float | None = None  # wall time the call's end arrived
        while True:
            batch = self._next_batch() if ended_at is None else []
            if ended_at is None and any(isinstance(item, _Finish) for item in batch):
                ended_at = time.monotonic()
            audio += [item for item in batch if isinstance(item, _Audio)]
            if self.session_id is not None:  # its folder is named after the session
                self._write_audio(audio)
                audio = []
            pending += [item for item in batch if not isinstance(item, _Audio)]
            now = time.monotonic()
            if now < retry_at:
                if ended_at is not None:
                    time.sleep(retry_at - now)
                continue
            if not pending and now - heartbeat_at < HEARTBEAT_EVERY_S:
                continue
            try:
                if self.session_id is None:
                    self.session_id = self._insert_session(connection)
                self._commit(connection, pending)
            except (sqlite3.Error, OSError) as exc:
                if connection.in_transaction:
                    connection.rollback()
                self.ready.set()
                reason = failure_reason(exc)
                if ended_at is not None and time.monotonic() - ended_at > GIVE_UP_AFTER_END_S:
                    self._give_up(
                        f"This call could not be saved to the end: {reason}. Everything up to "
                        f"{clock(self._saved_until)} is kept."
                    )
                    return None
                if held_up_since is None:
                    held_up_since = time.monotonic()
                    self._on_problem(
                        f"Saving is held up: {reason}. SalesMirror keeps trying; everything up to "
                        f"{clock(self._saved_until)} is kept and the rest waits in memory."
                    )
                retry_at, delay = time.monotonic() + delay, min(2 * delay, LONGEST_RETRY_S)
                if ended_at is not None:  # the last try falls just after the deadline, not later
                    retry_at = min(retry_at, ended_at + GIVE_UP_AFTER_END_S + 0.05)
                continue
            self.ready.set()
            pending, heartbeat_at, delay = [], time.monotonic(), FIRST_RETRY_S
            if held_up_since is not None:
                held_up_since = None
                self._on_problem(f"Saving caught up: everything up to {clock(self._saved_until)} is kept.")
            if ended_at is not None:
                self._write_audio(audio)
                return None

    def _next_batch(self) -> list[object]:
        """What arrived during the next flush interval (or up to the end of the call)."""
        deadline = time.monotonic() + FLUSH_EVERY_S
        batch: list[object] = []
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                item = self._queue.get(timeout=remaining)
            except queue.Empty:
                break
            batch.append(item)
            if isinstance(item, _Finish):
                break
        return batch

    def _drain_until_finished(self) -> None:
        while not isinstance(self._queue.get(), _Finish):
            pass

    def _insert_session(self, connection: sqlite3.Connection) -> int:
        info = self.info
        now = now_utc().isoformat(timespec="milliseconds")
        cursor = connection.execute(
            "INSERT INTO sessions (id, started_at, source, mode, devices, model, audio_kept, writer_pid,"
            " heartbeat_at) VALUES ((SELECT last + 1 FROM session_ids), ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now,
                str(info.source),
                "" if info.mode is None else str(info.mode),
                json.dumps(info.devices),
                info.model,
                int(info.keep_audio),
                os.getpid(),
                now,
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _commit(self, db: sqlite3.Connection, rows: list[object]) -> None:
        session_id = self.session_id
        t = self._saved_until
        db.execute("BEGIN IMMEDIATE")
        for item in rows:
            if isinstance(item, _Progress | _Finish):
                t = max(t, item.t)
                db.executemany(
                    "INSERT INTO segments (session_id, speaker, start, end) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (session_id, speaker, start) DO UPDATE SET end = excluded.end",
                    [(session_id, str(s.speaker), s.start, s.end) for s in item.segments],
                )
            if isinstance(item, _Progress) and item.figures is not None:
                db.execute(
                    "INSERT OR REPLACE INTO figures (session_id, t, figures) VALUES (?, ?, ?)",
                    (session_id, round(item.t, 2), figures_json(item.figures)),
                )
            elif isinstance(item, Utterance):
                line = db.execute(
                    "INSERT INTO lines (session_id, speaker, start, end, text) VALUES (?, ?, ?, ?, ?)",
                    (session_id, str(item.speaker), item.start, item.end, item.text),
                ).lastrowid
                db.executemany(
                    "INSERT INTO words (line_id, position, text, start, end, confidence)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(line, i, w.text, w.start, w.end, w.confidence) for i, w in enumerate(item.words)],
                )
            elif isinstance(item, Nudge):
                db.execute(
                    "INSERT INTO nudges (session_id, t, kind, text, evidence) VALUES (?, ?, ?, ?, ?)",
                    (session_id, item.t, item.kind, item.text, item.evidence),
                )
            elif isinstance(item, AudioLoss):
                db.execute(
                    "INSERT INTO audio_lost (session_id, t, speaker) VALUES (?, ?, ?)",
                    (session_id, round(item.t, 2), str(item.speaker)),
                )
            elif isinstance(item, Caution):
                db.execute(
                    "INSERT OR IGNORE INTO cautions (session_id, t, kind) VALUES (?, ?, ?)",
                    (session_id, round(item.t, 2), str(item.kind)),
                )
        now = now_utc().isoformat(timespec="milliseconds")
        db.execute(
            "UPDATE sessions SET duration_s = ?, heartbeat_at = ? WHERE id = ?",
            (round(t, 2), now, session_id),
        )
        finish = next((item for item in rows if isinstance(item, _Finish)), None)
        if finish is not None and finish.t < max(NOTHING_TO_KEEP_S, self.info.keep_from_s):
            # A call that never started, or a demo run left part way: nothing to keep.
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        elif finish is not None:
            db.execute(
                "UPDATE sessions SET state = 'finished', ended_at = ?, summary = ? WHERE id = ?",
                (now, figures_json(finish.figures, self.info.notes), session_id),
            )
        db.execute("COMMIT")
        self._saved_until = t
        if finish is not None:
            self._ended_at = finish.t
            if finish.t < max(NOTHING_TO_KEEP_S, self.info.keep_from_s):
                self.session_id = None

    def _write_audio(self, blocks: list[_Audio]) -> None:
        if not blocks or not self._keeping_audio or self.session_id is None:
            return
        try:
            for block in blocks:
                self._audio_file(block.speaker).write(block.samples)
        except (OSError, RuntimeError, soundfile.LibsndfileError) as exc:
            self._keeping_audio = False
            self._on_problem(
                f"The call's audio is no longer being kept ({exc}); the transcript and figures still are."
            )

    def _audio_file(self, speaker: Speaker) -> soundfile.SoundFile:
        audio = self._audio_files.get(speaker)
        if audio is None:
            folder = self.folder / AUDIO_FOLDER / str(self.session_id)
            folder.mkdir(parents=True, exist_ok=True)
            audio = soundfile.SoundFile(
                folder / f"{speaker}.ogg", "w", SAMPLE_RATE, 1, format="OGG", subtype="VORBIS"
            )
            self._audio_files[speaker] = audio
        return audio

    @property
    def complete(self) -> bool:
        """Everything there was to keep is in the store (after `wait()`)."""
        return self._ended_at is not None

    def outcome(self) -> str:
        """What was kept, in the user's words (after `wait()`)."""
        if self.complete and self.session_id is None:
            return "nothing to keep (it ended before it began, or a demo left part way)"
        if self.complete:
            return f"saved as session {self.session_id}"
        if self.session_id is None or self._saved_until <= 0:
            return "not saved"
        return f"only the first {clock(self._saved_until)} saved, as session {self.session_id}"

    def _give_up(self, message: str) -> None:
        self.saving = False
        self._on_problem(message)
