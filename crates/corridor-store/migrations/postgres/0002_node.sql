-- 0002: what a node needs beside statements: links for "who points here", user accounts,
-- credentials (browser sessions and program tokens) and the audit log.
-- Same shape as migrations/sqlite/0002_node.sql; see there for the reasons.

-- Entity-typed facts, reversed: which entities point at `target`. Filled on write (and once
-- from existing statements when this migration is applied).
CREATE TABLE link_index (
    target    TEXT NOT NULL COLLATE "C",
    source    TEXT NOT NULL COLLATE "C",
    PRIMARY KEY (target, source)
);

CREATE TABLE app_user (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    roles         TEXT NOT NULL, -- comma-separated role names
    password_hash TEXT NOT NULL, -- argon2id PHC string
    disabled      BOOLEAN NOT NULL DEFAULT false,
    created_at    TEXT NOT NULL
);

-- Only a hash of each secret is kept: a copy of the database gives no working session.
CREATE TABLE credential (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL, -- session | token
    username   TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Append-only and hash-chained: each entry's hash covers its fields and the previous hash.
CREATE TABLE audit (
    seq       BIGINT PRIMARY KEY,
    at        TEXT NOT NULL,
    username  TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    reason    TEXT,
    outcome   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

-- The log is only ever appended to (see the SQLite migration for the reasons).
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
