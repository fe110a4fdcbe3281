-- Every change of the library's version is announced, on commit, on the channel
-- studypack_library (payload: the library's schema, a space, the new version; one database
-- can hold several libraries, a schema each), so that instances sharing the database apply it
-- at once instead of at their next poll. A notice is only a hint: instances still poll, and
-- read what changed from library_changes.
CREATE FUNCTION studypack_library_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('studypack_library', TG_TABLE_SCHEMA || ' ' || NEW.version::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER library_version_announced AFTER UPDATE OF version ON library_version
    FOR EACH ROW EXECUTE FUNCTION studypack_library_changed();
