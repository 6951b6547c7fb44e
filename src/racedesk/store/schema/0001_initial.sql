-- racedesk store, schema version 1.
-- Instants are integer microseconds since 1970-01-01 UTC. Names (contests, units, candidates,
-- modes, sources) are interned once; a series is one (contest, unit, candidate, mode).
-- `updates` is the append-only log, in arrival order. It has no (series, at) index on purpose:
-- such an index makes each committed batch rewrite pages all over it (5x slower ingest); a
-- connection keeps the log in memory for as-of queries instead (see store/update_log.py).

CREATE TABLE contests (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE units (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE candidates (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE modes (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);

CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    contest INTEGER NOT NULL REFERENCES contests (id),
    unit INTEGER NOT NULL REFERENCES units (id),
    candidate INTEGER NOT NULL REFERENCES candidates (id),
    mode INTEGER NOT NULL REFERENCES modes (id),
    UNIQUE (contest, unit, candidate, mode)
);

-- One row per ingested feed update that stored anything.
CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,           -- the update's timestamp
    ingested_at INTEGER NOT NULL,  -- arrival time
    received INTEGER NOT NULL,     -- rows in the update
    stored INTEGER NOT NULL        -- rows stored (the rest were duplicates)
);

CREATE TABLE updates (
    id INTEGER PRIMARY KEY,
    series INTEGER NOT NULL REFERENCES series (id),
    at INTEGER NOT NULL,
    votes INTEGER NOT NULL CHECK (votes >= 0),
    expected_votes INTEGER CHECK (expected_votes >= 0),
    source INTEGER NOT NULL REFERENCES sources (id),
    batch INTEGER NOT NULL REFERENCES batches (id),
    ingested_at INTEGER NOT NULL,
    previous INTEGER,              -- the count in effect just before, if any
    correction INTEGER NOT NULL CHECK (correction IN (0, 1))  -- votes < previous
);
CREATE INDEX updates_corrections ON updates (id) WHERE correction = 1;
