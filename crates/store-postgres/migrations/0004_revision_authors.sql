-- Revisions of a question's details (title, question text, view, year, marks, command wording,
-- mark scheme) beside its plan and model essay, and who saved each revision (NULL: an import
-- from the command line).
ALTER TABLE revisions DROP CONSTRAINT revisions_field_check;
ALTER TABLE revisions ADD CONSTRAINT revisions_field_check CHECK (field IN ('details', 'plan', 'model_essay'));
ALTER TABLE revisions ADD COLUMN author_id BIGINT REFERENCES users (id);
