-- Free-text search over titles: a contentless FTS5 index of trigrams, so a substring of three
-- characters or more is found through the index instead of a LIKE scan of every row. Rows are
-- added and removed by the envelope writer (src/store/sqlite/envelopes.ts), in its transactions.
CREATE VIRTUAL TABLE `envelope_titles` USING fts5(title, content='', contentless_delete=1, tokenize='trigram');
--> statement-breakpoint
INSERT INTO `envelope_titles`(rowid, title) SELECT `id`, `title` FROM `envelopes` WHERE `title` IS NOT NULL AND `title` <> '';
