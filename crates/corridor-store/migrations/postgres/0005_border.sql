-- 0005: entities by schema, and watchlists with their versions; see the SQLite file of the
-- same number.
CREATE TABLE entity_schema (
    schema    TEXT NOT NULL,
    entity_id TEXT NOT NULL COLLATE "C",
    PRIMARY KEY (schema, entity_id)
);
INSERT INTO entity_schema (schema, entity_id) SELECT DISTINCT schema, entity_id FROM statement;

CREATE TABLE watchlist_version (
    list        TEXT   NOT NULL,
    version     BIGINT NOT NULL,
    dataset     TEXT   NOT NULL,
    imported_at TEXT   NOT NULL,
    imported_by TEXT   NOT NULL,
    source      TEXT   NOT NULL,
    sha256      TEXT   NOT NULL,
    entries     BIGINT NOT NULL,
    added       BIGINT NOT NULL,
    removed     BIGINT NOT NULL,
    PRIMARY KEY (list, version)
);

CREATE TABLE watchlist_member (
    list      TEXT   NOT NULL,
    version   BIGINT NOT NULL,
    entity_id TEXT   NOT NULL COLLATE "C",
    PRIMARY KEY (list, version, entity_id)
);

CREATE FUNCTION watchlist_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'watchlist versions are append-only';
END;
$$;
CREATE TRIGGER watchlist_version_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON watchlist_version
    FOR EACH STATEMENT EXECUTE FUNCTION watchlist_append_only();
CREATE TRIGGER watchlist_member_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON watchlist_member
    FOR EACH STATEMENT EXECUTE FUNCTION watchlist_append_only();
