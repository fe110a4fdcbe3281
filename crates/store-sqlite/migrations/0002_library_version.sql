-- A counter bumped by every import that changes the library, so that running servers
-- (and other instances) notice new content and refresh their search index.
CREATE TABLE library_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO library_version (id, version) VALUES (1, 0);
