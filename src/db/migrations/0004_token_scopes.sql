-- Token scopes. A session (sign-in) token carries '*': everything its person may do. A personal
-- or service token carries only what it was created with (db:connect lets it open a database
-- through the gateway as its password).
SET search_path = ward;

ALTER TABLE tokens ADD COLUMN scopes text[] NOT NULL DEFAULT '{*}';
