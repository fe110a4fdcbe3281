-- What each library version changed, so that an instance applies only the changes since the
-- version it has loaded instead of reloading the whole library. One row per changed question
-- (under each topic it was in before and after the change), per changed topic, or one 'all'
-- row for a full rebuild (`studypack reindex`).
CREATE TABLE library_changes (
    version BIGINT  NOT NULL,
    kind    TEXT    NOT NULL CHECK (kind IN ('question', 'topic', 'all')),
    slug    TEXT    NOT NULL,
    topic   TEXT    NOT NULL,
    PRIMARY KEY (version, kind, slug, topic)
);
