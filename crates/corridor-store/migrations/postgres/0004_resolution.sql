-- 0004: entity resolution in a node; see the SQLite file of the same number.
CREATE TABLE er_judgement (
    seq       BIGINT PRIMARY KEY,
    left_id   TEXT NOT NULL COLLATE "C",
    right_id  TEXT NOT NULL COLLATE "C",
    schema    TEXT NOT NULL,
    judgement TEXT NOT NULL CHECK (judgement IN ('same', 'different', 'unsure', 'withdrawn')),
    username  TEXT NOT NULL,
    at        TEXT NOT NULL,
    note      TEXT,
    undoes    BIGINT,
    CHECK (left_id < right_id)
);
CREATE INDEX er_judgement_pair ON er_judgement (left_id, right_id);

CREATE FUNCTION er_judgement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'judgements are append-only';
END;
$$;
CREATE TRIGGER er_judgement_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON er_judgement
    FOR EACH STATEMENT EXECUTE FUNCTION er_judgement_append_only();

CREATE INDEX statement_by_seq ON statement (seq);
