-- The session store's schema, written as the migrations that build it.
--
-- Each section that starts with "-- version N:" runs once, in order, inside one transaction, and
-- leaves PRAGMA user_version at N. A released section is never edited: change the schema by adding
-- a section. Times inside a call are session seconds (REAL); wall-clock times are ISO 8601 in UTC.

-- version 1: sessions with their speech segments, transcript lines, words, nudges and figures
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT,                           -- NULL while the call is being recorded
    duration_s REAL NOT NULL DEFAULT 0,      -- the session clock at the last write
    state TEXT NOT NULL DEFAULT 'recording'
        CHECK (state IN ('recording', 'finished', 'recovered')),
    source TEXT NOT NULL,                    -- live, recording, script or demo
    mode TEXT NOT NULL DEFAULT '',           -- two streams, headset, single microphone...
    devices TEXT NOT NULL DEFAULT '{}',      -- JSON {"you": name, "them": name}
    model TEXT,                              -- the speech model's folder name, if any
    title TEXT,                              -- NULL: shown as the date
    note TEXT NOT NULL DEFAULT '',
    audio_kept INTEGER NOT NULL DEFAULT 0,
    writer_pid INTEGER,                      -- the process recording it, for the start-up sweep
    heartbeat_at TEXT,                       -- wall clock of the last write
    summary TEXT                             -- JSON: the final figures, as in analyze --json
);
CREATE INDEX sessions_by_start ON sessions (started_at);

CREATE TABLE segments (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    speaker TEXT NOT NULL CHECK (speaker IN ('you', 'them')),
    start REAL NOT NULL,
    end REAL NOT NULL,                       -- rewritten while the segment is still open
    PRIMARY KEY (session_id, speaker, start)
) WITHOUT ROWID;

CREATE TABLE lines (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    speaker TEXT NOT NULL CHECK (speaker IN ('you', 'them')),
    start REAL NOT NULL,
    end REAL NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX lines_by_session ON lines (session_id, start);

CREATE TABLE words (
    line_id INTEGER NOT NULL REFERENCES lines (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    start REAL NOT NULL,
    end REAL NOT NULL,
    confidence REAL NOT NULL,
    PRIMARY KEY (line_id, position)
) WITHOUT ROWID;

CREATE TABLE nudges (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    t REAL NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    evidence TEXT NOT NULL
);
CREATE INDEX nudges_by_session ON nudges (session_id, t);

CREATE TABLE figures (                       -- the figures over time, about one row a second
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    t REAL NOT NULL,
    figures TEXT NOT NULL,                   -- JSON, the shape of the final summary's figures
    PRIMARY KEY (session_id, t)
) WITHOUT ROWID;

-- version 2: full-text search over transcripts
CREATE VIRTUAL TABLE lines_search USING fts5 (
    text, content = 'lines', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO lines_search (lines_search) VALUES ('rebuild');
CREATE TRIGGER lines_search_insert AFTER INSERT ON lines BEGIN
    INSERT INTO lines_search (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER lines_search_delete AFTER DELETE ON lines BEGIN
    INSERT INTO lines_search (lines_search, rowid, text) VALUES ('delete', old.id, old.text);
END;

-- version 3: session ids are never used twice, so a `sessions delete N` from shell history or an
-- open replay cannot reach a newer call that took a deleted call's number
CREATE TABLE session_ids (last INTEGER NOT NULL);
INSERT INTO session_ids (last) SELECT coalesce(max(id), 0) FROM sessions;
CREATE TRIGGER session_ids_advance AFTER INSERT ON sessions BEGIN
    UPDATE session_ids SET last = new.id WHERE new.id > last;
END;

-- version 4: moments a device lost audio (the computer fell behind), so a call's figures can say
-- that some of its talk time is missing
CREATE TABLE audio_lost (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    t REAL NOT NULL,
    speaker TEXT NOT NULL CHECK (speaker IN ('you', 'them'))
);
CREATE INDEX audio_lost_by_session ON audio_lost (session_id, t);

-- version 5: what made a call's figures less exact (a noisy room, the call's sound heard by your
-- microphone) and from when, said with the figures wherever the call is shown again. The key's
-- columns come first: SQLite 3.40's integrity check misreads a WITHOUT ROWID table's other columns
-- otherwise ("NULL value in cautions.t"), and the store would set the database aside as damaged.
CREATE TABLE cautions (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                      -- a CautionKind
    t REAL NOT NULL,
    PRIMARY KEY (session_id, kind)
) WITHOUT ROWID;
