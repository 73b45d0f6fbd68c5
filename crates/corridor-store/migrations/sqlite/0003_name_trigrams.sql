-- 0003: substring name search through a trigram index instead of a scan of every name.
-- FTS5's trigram tokenizer matches any substring of three characters or more, folding case;
-- shorter queries still scan name_index.
CREATE VIRTUAL TABLE name_fts USING fts5(name, entity_id UNINDEXED, tokenize = 'trigram');
INSERT INTO name_fts (name, entity_id) SELECT name, entity_id FROM name_index;
