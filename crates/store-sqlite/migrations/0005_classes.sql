-- Teachers and their classes. `teacher` is a capability an admin grants (an editor or an admin
-- can be a teacher too); a class belongs to its teachers, and students join it with its code.
ALTER TABLE users ADD COLUMN teacher INTEGER NOT NULL DEFAULT 0;
CREATE TABLE classes (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    join_code  TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE TABLE class_teachers (
    class_id INTEGER NOT NULL REFERENCES classes (id),
    user_id  INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (class_id, user_id)
);
CREATE TABLE class_members (
    class_id  INTEGER NOT NULL REFERENCES classes (id),
    user_id   INTEGER NOT NULL REFERENCES users (id),
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (class_id, user_id)
);
CREATE INDEX class_members_user ON class_members (user_id);
CREATE INDEX class_teachers_user ON class_teachers (user_id);
-- A school licence: a Study Pack granted to a class, open to every member while they are one.
CREATE TABLE class_packs (
    id         INTEGER PRIMARY KEY,
    class_id   INTEGER  NOT NULL REFERENCES classes (id),
    scope      TEXT    NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    granted_by INTEGER  REFERENCES users (id),
    created_at INTEGER  NOT NULL
);
CREATE INDEX class_packs_class ON class_packs (class_id);
-- Work a teacher sets a class: a question (by slug), when it opens and is due, whether it is
-- timed, and how many submissions each student may make.
CREATE TABLE assignments (
    id               INTEGER PRIMARY KEY,
    class_id         INTEGER  NOT NULL REFERENCES classes (id),
    question_slug    TEXT    NOT NULL,
    opens_at         INTEGER  NOT NULL,
    due_at           INTEGER  NOT NULL,
    timed            INTEGER NOT NULL,
    attempts_allowed INTEGER  NOT NULL,
    created_by       INTEGER  REFERENCES users (id),
    created_at       INTEGER  NOT NULL
);
CREATE INDEX assignments_class ON assignments (class_id);
-- An attempt remembers the sitting it ended (the draft's start: a save from that sitting
-- after submission is refused) and the assignment it answers, if any.
ALTER TABLE attempts ADD COLUMN started_at INTEGER;
ALTER TABLE attempts ADD COLUMN assignment_id INTEGER REFERENCES assignments (id);
CREATE INDEX attempts_assignment ON attempts (assignment_id);
-- A teacher's mark for a submission: nothing reaches the student until it is released.
CREATE TABLE teacher_marks (
    attempt_id  INTEGER  PRIMARY KEY REFERENCES attempts (id),
    level       INTEGER,
    mark        INTEGER,
    comment     TEXT    NOT NULL,
    released_at INTEGER,
    updated_by  INTEGER  REFERENCES users (id),
    updated_at  INTEGER  NOT NULL
);
-- Every change of a mark: who, when, from what to what.
CREATE TABLE mark_changes (
    id         INTEGER PRIMARY KEY,
    attempt_id INTEGER  NOT NULL REFERENCES attempts (id),
    actor_id   INTEGER  REFERENCES users (id),
    at         INTEGER  NOT NULL,
    from_level INTEGER,
    to_level   INTEGER,
    from_mark  INTEGER,
    to_mark    INTEGER
);
CREATE INDEX mark_changes_attempt ON mark_changes (attempt_id, id);
