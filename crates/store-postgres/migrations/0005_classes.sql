-- Teachers and their classes. `teacher` is a capability an admin grants (an editor or an admin
-- can be a teacher too); a class belongs to its teachers, and students join it with its code.
ALTER TABLE users ADD COLUMN teacher BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE classes (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT    NOT NULL,
    join_code  TEXT    NOT NULL UNIQUE,
    created_at BIGINT  NOT NULL
);
CREATE TABLE class_teachers (
    class_id BIGINT  NOT NULL REFERENCES classes (id),
    user_id  BIGINT  NOT NULL REFERENCES users (id),
    PRIMARY KEY (class_id, user_id)
);
CREATE TABLE class_members (
    class_id  BIGINT  NOT NULL REFERENCES classes (id),
    user_id   BIGINT  NOT NULL REFERENCES users (id),
    joined_at BIGINT  NOT NULL,
    PRIMARY KEY (class_id, user_id)
);
CREATE INDEX class_members_user ON class_members (user_id);
CREATE INDEX class_teachers_user ON class_teachers (user_id);
-- A school licence: a Study Pack granted to a class, open to every member while they are one.
CREATE TABLE class_packs (
    id         BIGSERIAL PRIMARY KEY,
    class_id   BIGINT  NOT NULL REFERENCES classes (id),
    scope      TEXT    NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT,
    granted_by BIGINT  REFERENCES users (id),
    created_at BIGINT  NOT NULL
);
CREATE INDEX class_packs_class ON class_packs (class_id);
