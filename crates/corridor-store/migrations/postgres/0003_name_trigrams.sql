-- 0003: substring name search through a trigram index (pg_trgm, a trusted extension that a
-- database owner may create) instead of a scan of every name.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX name_index_trigrams ON name_index USING gin (name gin_trgm_ops);
