-- A teacher's own question: their wording, a mark scheme pasted as plain text, an optional
-- plan and model answer, and the library topic whose rubric, board, glossary and period it
-- uses. It is never part of the library: it is seen by its teacher, and by the students of
-- a class it is set for.
CREATE TABLE own_questions (
    id          BIGSERIAL PRIMARY KEY,
    owner_id    BIGINT  NOT NULL REFERENCES users (id),
    topic_slug  TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    marks       BIGINT  NOT NULL,
    scheme      TEXT    NOT NULL,
    plan        TEXT    NOT NULL,
    model_essay TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE INDEX own_questions_owner ON own_questions (owner_id, id);
