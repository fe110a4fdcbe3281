-- Revisions of a question's details (title, question text, view, year, marks, command wording,
-- mark scheme) beside its plan and model essay, and who saved each revision (NULL: an import
-- from the command line). SQLite cannot change a CHECK constraint, so the table is rebuilt.
CREATE TABLE revisions_new (
    id          INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES questions (id),
    field       TEXT    NOT NULL CHECK (field IN ('details', 'plan', 'model_essay')),
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    author_id   INTEGER REFERENCES users (id)
);
INSERT INTO revisions_new (id, question_id, field, body, created_at)
    SELECT id, question_id, field, body, created_at FROM revisions;
DROP TABLE revisions;
ALTER TABLE revisions_new RENAME TO revisions;
CREATE INDEX revisions_question ON revisions (question_id, id);
