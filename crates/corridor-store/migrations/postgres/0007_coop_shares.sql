-- 0007: information a node sends without being asked (shares) and consent to pass on what a
-- partner sent. A share, like a request, is written once under its id.
DROP INDEX coop_record_once;
CREATE UNIQUE INDEX coop_record_once ON coop_record (kind, key)
    WHERE kind IN ('request', 'received', 'share', 'consent_ask');
