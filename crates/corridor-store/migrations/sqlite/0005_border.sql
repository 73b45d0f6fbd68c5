-- 0005: which entities each schema has (lists of alerts, crossings, requests without scanning
-- every statement), and watchlists with their versions.

-- One row per (schema, entity): an entity written with a schema is listed under it. The
-- schema is its term number, as in `statement`.
CREATE TABLE entity_schema (
    schema    INTEGER NOT NULL,
    entity_id TEXT    NOT NULL,
    PRIMARY KEY (schema, entity_id)
) WITHOUT ROWID;
INSERT INTO entity_schema (schema, entity_id) SELECT DISTINCT schema, entity_id FROM statement;

-- A watchlist version is the set of entities one import of the list held. Entries dropped
-- from a list stay in the store with their history but are no longer screened against.
CREATE TABLE watchlist_version (
    list        TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    dataset     TEXT    NOT NULL,
    imported_at TEXT    NOT NULL,
    imported_by TEXT    NOT NULL,
    source      TEXT    NOT NULL, -- the file's name as given
    sha256      TEXT    NOT NULL, -- of the file's bytes
    entries     INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    PRIMARY KEY (list, version)
);

CREATE TABLE watchlist_member (
    list      TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    entity_id TEXT    NOT NULL,
    PRIMARY KEY (list, version, entity_id)
) WITHOUT ROWID;

CREATE TRIGGER watchlist_version_no_update BEFORE UPDATE ON watchlist_version
BEGIN
    SELECT RAISE(ABORT, 'watchlist versions are append-only');
END;
CREATE TRIGGER watchlist_version_no_delete BEFORE DELETE ON watchlist_version
BEGIN
    SELECT RAISE(ABORT, 'watchlist versions are append-only');
END;
CREATE TRIGGER watchlist_member_no_update BEFORE UPDATE ON watchlist_member
BEGIN
    SELECT RAISE(ABORT, 'watchlist versions are append-only');
END;
CREATE TRIGGER watchlist_member_no_delete BEFORE DELETE ON watchlist_member
BEGIN
    SELECT RAISE(ABORT, 'watchlist versions are append-only');
END;
