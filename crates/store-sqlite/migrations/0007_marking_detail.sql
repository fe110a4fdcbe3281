-- What a teacher decides about each mark-scheme point of a submission, and comments anchored
-- to sentences of the essay. With teacher_marks these are the moderated scripts calibration
-- learns from: the engine's status is kept beside the teacher's decision.
CREATE TABLE teacher_points (
    attempt_id INTEGER    NOT NULL REFERENCES attempts (id),
    point      INTEGER    NOT NULL,
    point_text TEXT    NOT NULL,
    made       INTEGER    NOT NULL,
    engine     TEXT    NOT NULL CHECK (engine IN ('covered', 'partial', 'missing')),
    PRIMARY KEY (attempt_id, point)
);
-- A comment on the sentence at bytes [start, end) of the attempt's essay (an attempt's essay
-- never changes, so the anchor holds whatever the engine's reading becomes).
CREATE TABLE teacher_comments (
    id         INTEGER PRIMARY KEY,
    attempt_id INTEGER    NOT NULL REFERENCES attempts (id),
    start_byte INTEGER    NOT NULL,
    end_byte   INTEGER    NOT NULL,
    body       TEXT    NOT NULL,
    author_id  INTEGER    REFERENCES users (id),
    created_at INTEGER    NOT NULL
);
CREATE INDEX teacher_comments_attempt ON teacher_comments (attempt_id, start_byte, id);
