-- A counter bumped by every import that changes the library, so that every instance
-- notices new content and refreshes its search index.
CREATE TABLE library_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO library_version (id, version) VALUES (1, 0);
