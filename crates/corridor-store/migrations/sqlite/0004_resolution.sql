-- 0004: entity resolution in a node. Analysts' judgements on pairs of entities are data:
-- appended, never changed; the latest judgement of a pair is the one that holds, and an undo
-- is a new row (`withdrawn`) naming the row it undoes.
CREATE TABLE er_judgement (
    seq       INTEGER PRIMARY KEY,
    left_id   TEXT NOT NULL,
    right_id  TEXT NOT NULL,
    schema    TEXT NOT NULL,
    judgement TEXT NOT NULL CHECK (judgement IN ('same', 'different', 'unsure', 'withdrawn')),
    username  TEXT NOT NULL,
    at        TEXT NOT NULL,
    note      TEXT,
    undoes    INTEGER,
    CHECK (left_id < right_id)
);
CREATE INDEX er_judgement_pair ON er_judgement (left_id, right_id);

CREATE TRIGGER er_judgement_no_update BEFORE UPDATE ON er_judgement
BEGIN
    SELECT RAISE(ABORT, 'judgements are append-only');
END;
CREATE TRIGGER er_judgement_no_delete BEFORE DELETE ON er_judgement
BEGIN
    SELECT RAISE(ABORT, 'judgements are append-only');
END;

-- Statements in recording order, so a node can follow what was written since it last looked
-- (new records are linked as they arrive, whoever wrote them).
CREATE INDEX statement_by_seq ON statement (seq);
