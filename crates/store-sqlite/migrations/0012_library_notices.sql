-- PostgreSQL announces each change of the library's version to the instances sharing the
-- database (a trigger and pg_notify). An SQLite database is one instance's, which knows its
-- own changes: nothing to add here, and the migration keeps the two lists in step.
SELECT 1;
