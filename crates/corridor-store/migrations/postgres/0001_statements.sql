-- 0001: statements and their provenance. Released migrations are never edited; add a new file.
-- Same shape as the SQLite schema; see migrations/sqlite/0001_statements.sql for the reasons.

CREATE TABLE provenance (
    id          BIGSERIAL PRIMARY KEY,
    dataset     TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    handling    TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    reliability TEXT NOT NULL,
    grade       TEXT NOT NULL,
    UNIQUE (dataset, recorded_by, recorded_at, handling, purpose, reliability, grade)
);

CREATE SEQUENCE statement_seq;

CREATE TABLE statement (
    entity_id      TEXT   NOT NULL COLLATE "C",
    id             BYTEA  NOT NULL,
    seq            BIGINT NOT NULL,
    schema         TEXT   NOT NULL,
    prop           TEXT   NOT NULL,
    value          TEXT   NOT NULL,
    original_value TEXT,
    retracts       BYTEA,
    -- Not a declared foreign key, as in SQLite: the store writes provenance itself first.
    provenance     BIGINT NOT NULL,
    PRIMARY KEY (entity_id, id)
);

CREATE TABLE name_index (
    name      TEXT NOT NULL COLLATE "C",
    entity_id TEXT NOT NULL COLLATE "C",
    PRIMARY KEY (name, entity_id)
);
