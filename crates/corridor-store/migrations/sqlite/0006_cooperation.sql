-- 0006: international cooperation. One append-only log of what a central authority keeps:
-- partners (and new versions of their keys), requests (their content, fixed once written),
-- the steps of each request, and every package sent and received. Bodies are JSON that
-- corridor-node reads; the store keeps order and uniqueness.
CREATE TABLE coop_record (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL, -- partner, request, event, message, received
    key  TEXT NOT NULL, -- node id, request id or package id
    body TEXT NOT NULL,
    at   TEXT NOT NULL
);
CREATE INDEX coop_record_key ON coop_record (kind, key, seq);
-- A request is written once; a package is received (and its contents imported) once.
CREATE UNIQUE INDEX coop_record_once ON coop_record (kind, key) WHERE kind IN ('request', 'received');

CREATE TRIGGER coop_record_no_update BEFORE UPDATE ON coop_record
BEGIN
    SELECT RAISE(ABORT, 'the cooperation log is append-only');
END;
CREATE TRIGGER coop_record_no_delete BEFORE DELETE ON coop_record
BEGIN
    SELECT RAISE(ABORT, 'the cooperation log is append-only');
END;
