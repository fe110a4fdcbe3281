-- Accounts, sessions, Study Pack entitlements, licence codes, the audit log, rate limits,
-- first-start setup tokens, and essay practice (drafts and attempts).
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('student', 'editor', 'admin')),
    created_at    BIGINT  NOT NULL
);

-- Cookie tokens are stored as SHA-256 hashes.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE entitlements (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope      TEXT    NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT,
    source     TEXT    NOT NULL CHECK (source IN ('grant', 'code')),
    created_at BIGINT  NOT NULL
);
CREATE INDEX entitlements_user ON entitlements (user_id);

-- Licence codes are stored as SHA-256 hashes; `days` counts from redemption.
CREATE TABLE licence_codes (
    code_hash   TEXT    PRIMARY KEY,
    scope       TEXT    NOT NULL,
    days        BIGINT,
    created_at  BIGINT  NOT NULL,
    redeemed_by BIGINT  REFERENCES users (id),
    redeemed_at BIGINT
);

-- Rows are only ever added.
CREATE TABLE audit_log (
    id       BIGSERIAL PRIMARY KEY,
    at       BIGINT  NOT NULL,
    actor_id BIGINT,
    action   TEXT    NOT NULL,
    user_id  BIGINT,
    detail   TEXT    NOT NULL
);

CREATE TABLE rate_events (
    id  BIGSERIAL PRIMARY KEY,
    key TEXT    NOT NULL,
    at  BIGINT  NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (key, at);
CREATE INDEX rate_events_at ON rate_events (at);

CREATE TABLE setup_tokens (
    token_hash TEXT    PRIMARY KEY,
    expires_at BIGINT  NOT NULL
);

CREATE TABLE drafts (
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    question_slug TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    started_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    PRIMARY KEY (user_id, question_slug)
);

CREATE TABLE attempts (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    question_slug TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    level         BIGINT,
    covered       BIGINT  NOT NULL,
    total         BIGINT  NOT NULL,
    words         BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX attempts_user_question ON attempts (user_id, question_slug, id);
