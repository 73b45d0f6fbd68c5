-- 0002: what a node needs beside statements: links for "who points here", user accounts,
-- credentials (browser sessions and program tokens) and the audit log.

-- Entity-typed facts, reversed: which entities point at `target`. Filled on write (and once
-- from existing statements when this migration is applied).
CREATE TABLE link_index (
    target    TEXT NOT NULL,
    source    TEXT NOT NULL,
    PRIMARY KEY (target, source)
) WITHOUT ROWID;

CREATE TABLE app_user (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    roles         TEXT NOT NULL, -- comma-separated role names
    password_hash TEXT NOT NULL, -- argon2id PHC string
    disabled      INTEGER NOT NULL DEFAULT 0,
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
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    username  TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    reason    TEXT,
    outcome   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

-- The log is only ever appended to. These triggers stop any code path (or a careless
-- administrator) from changing or removing entries; someone who drops them on purpose is
-- caught by the hash chain and the signed head kept outside the database.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
