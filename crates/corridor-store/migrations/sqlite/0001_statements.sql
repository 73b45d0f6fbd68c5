-- 0001: statements and their provenance. Released migrations are never edited; add a new file.

-- Provenance is shared by many statements (an import shares one across all its rows), so it is
-- kept once and referred to by number.
CREATE TABLE provenance (
    id          INTEGER PRIMARY KEY,
    dataset     TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    handling    TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    reliability TEXT NOT NULL,
    grade       TEXT NOT NULL,
    UNIQUE (dataset, recorded_by, recorded_at, handling, purpose, reliability, grade)
);

-- Schema and property names, stored once: statements refer to them by number. The number is
-- a 32-bit FNV-1a hash of the text, so any writer derives it without a lookup; the store
-- checks on first use that no other text already has it.
CREATE TABLE term (
    id   INTEGER PRIMARY KEY,
    text TEXT NOT NULL
);

-- One row per statement, clustered by entity so that reading an entity is one range scan and
-- a bulk import maintains one B-tree, not three. `seq` gives the order of recording.
CREATE TABLE statement (
    entity_id      TEXT    NOT NULL,
    id             BLOB    NOT NULL,
    seq            INTEGER NOT NULL,
    schema         INTEGER NOT NULL, -- term id
    prop           INTEGER NOT NULL, -- term id
    value          TEXT    NOT NULL,
    original_value TEXT,
    retracts       BLOB,
    -- Not declared a foreign key: the store writes the provenance row first, in the same
    -- transaction, and checking the parent on each of millions of inserts cost a tenth of
    -- import time.
    provenance     INTEGER NOT NULL,
    PRIMARY KEY (entity_id, id)
) WITHOUT ROWID;

-- Lower-cased name values, for name search without scanning every statement.
CREATE TABLE name_index (
    name      TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (name, entity_id)
) WITHOUT ROWID;

CREATE TABLE counter (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counter (name, value) VALUES ('statement_seq', 0);
