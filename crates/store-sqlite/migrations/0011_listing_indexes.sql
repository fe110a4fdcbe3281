-- Listings at 100,000 questions: a topic's published questions in the listing's order (year,
-- newest first, then slug) read from the index, so the first few cost a few rows, not a sort
-- of the whole topic; and counts of published questions by topic from the index alone.
CREATE INDEX questions_topic_listing ON questions (topic_id, status, year DESC, slug);
CREATE INDEX questions_status_topic ON questions (status, topic_id);
