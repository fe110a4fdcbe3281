-- The essay library: topics, questions, mark-scheme bullets and revisions.
CREATE TABLE topics (
    id             BIGSERIAL PRIMARY KEY,
    slug           TEXT    NOT NULL UNIQUE,
    title          TEXT    NOT NULL,
    board          TEXT,
    level          TEXT,
    component_code TEXT,
    period_start   INTEGER NOT NULL,
    period_end     INTEGER NOT NULL,
    -- the whole topic in the authoring format (rubric, glossary, timeline, offices)
    source         TEXT    NOT NULL,
    updated_at     BIGINT  NOT NULL
);

CREATE TABLE questions (
    id             BIGSERIAL PRIMARY KEY,
    slug           TEXT    NOT NULL UNIQUE,
    topic_id       BIGINT  NOT NULL REFERENCES topics (id),
    title          TEXT    NOT NULL,
    text           TEXT    NOT NULL,
    year           INTEGER NOT NULL,
    marks          INTEGER NOT NULL,
    command        TEXT    NOT NULL,
    view           TEXT,
    period_start   INTEGER,
    period_end     INTEGER,
    status         TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
    plan           TEXT    NOT NULL,
    plan_generated BOOLEAN NOT NULL,
    model_essay    TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
CREATE INDEX questions_topic ON questions (topic_id);
CREATE INDEX questions_year ON questions (year);

CREATE TABLE scheme_bullets (
    question_id BIGINT NOT NULL REFERENCES questions (id),
    position    BIGINT NOT NULL,
    side        TEXT   NOT NULL CHECK (side IN ('supporting', 'challenging', 'neutral')),
    text        TEXT   NOT NULL,
    PRIMARY KEY (question_id, position)
);

-- Every version of every plan and model essay; rows are only ever added.
CREATE TABLE revisions (
    id          BIGSERIAL PRIMARY KEY,
    question_id BIGINT NOT NULL REFERENCES questions (id),
    field       TEXT   NOT NULL CHECK (field IN ('plan', 'model_essay')),
    body        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX revisions_question ON revisions (question_id, id);
