-- 0006: international cooperation. One append-only log of what a central authority keeps:
-- partners (and new versions of their keys), requests (their content, fixed once written),
-- the steps of each request, and every package sent and received. Bodies are JSON that
-- corridor-node reads; the store keeps order and uniqueness.
CREATE TABLE coop_record (
    seq  BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL, -- partner, request, event, message, received
    key  TEXT NOT NULL, -- node id, request id or package id
    body TEXT NOT NULL,
    at   TEXT NOT NULL
);
CREATE INDEX coop_record_key ON coop_record (kind, key, seq);
-- A request is written once; a package is received (and its contents imported) once.
CREATE UNIQUE INDEX coop_record_once ON coop_record (kind, key) WHERE kind IN ('request', 'received');

CREATE FUNCTION coop_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the cooperation log is append-only';
END;
$$;
CREATE TRIGGER coop_record_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON coop_record
    FOR EACH STATEMENT EXECUTE FUNCTION coop_append_only();
