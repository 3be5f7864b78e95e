-- ADR 0012 (2026-12-06, issue 23): an API token with db:connect works as the database password
-- also when its account holds a database credential for the project. The gateway then asks for
-- SCRAM (channel-bound over TLS), which checks the client's proof against every verifier that
-- shares the salt it sent; so an account's database credentials and its tokens share one salt,
-- and a token with db:connect keeps a SCRAM verifier under it (made when the token is created,
-- the only time Ward sees it; the token itself stays a SHA-256 digest).
--
-- Upgrade cost: users is rewritten once (a volatile default gives each row its own salt); users,
-- db_roles and db_credentials are small (one row per account, per login and project, per
-- short-lived password). Tokens made before this upgrade have no verifier: they keep working
-- where no credential is held (password inside TLS), and a new token works everywhere.
ALTER TABLE users ADD COLUMN db_scram_salt bytea NOT NULL DEFAULT uuid_send(gen_random_uuid());

-- An account whose database roles all share one salt keeps it, so its passwords go on working.
UPDATE users u SET db_scram_salt = r.salt
  FROM (SELECT user_id, (array_agg(scram_salt))[1] AS salt FROM db_roles
         GROUP BY user_id HAVING count(DISTINCT scram_salt) = 1) r
 WHERE u.id = r.user_id;

-- Other roles move to the account's salt now unless a password made under theirs is still live;
-- those move when their next password is issued after it expired (dbaccess.issueCredentials).
UPDATE db_roles r SET scram_salt = u.db_scram_salt
  FROM users u
 WHERE u.id = r.user_id AND r.scram_salt <> u.db_scram_salt
   AND NOT EXISTS (SELECT 1 FROM db_credentials c
                    WHERE c.user_id = r.user_id AND c.project_id = r.project_id
                      AND c.revoked_at IS NULL AND c.expires_at > now());

ALTER TABLE tokens
  ADD COLUMN scram_iterations int,
  ADD COLUMN scram_stored_key bytea,
  ADD COLUMN scram_server_key bytea;
