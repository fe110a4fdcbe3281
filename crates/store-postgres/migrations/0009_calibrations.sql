-- A teacher's standard learned for a library question (`studypack calibrate --store`): every
-- revision kept; the newest is the question's active calibration, unless its body is NULL (the
-- calibration was withdrawn and the question is marked uncalibrated again).
CREATE TABLE calibrations (
    question_id BIGINT  NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    version     BIGINT  NOT NULL,
    body        TEXT,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (question_id, version)
);
