-- A random identity for this library, made once: an instance's search index kept on disk
-- records it, so that an index is never taken for another database's.
ALTER TABLE library_version ADD COLUMN identity TEXT NOT NULL DEFAULT '';
UPDATE library_version SET identity = lower(hex(randomblob(16))) WHERE id = 1;
