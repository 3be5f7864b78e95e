-- The gateway: how each project's statement events reach the audit log, the database role Ward
-- keeps for each person in each project, and short-lived database passwords.
SET search_path = ward;

-- 'sync': a statement's result reaches the client only once its audit event is durable (always
-- so for HIPAA projects). 'async': events are never dropped (backpressure), but a crash may lose
-- the last few milliseconds of them.
ALTER TABLE projects ADD COLUMN audit_delivery text NOT NULL DEFAULT 'sync'
  CHECK (audit_delivery IN ('sync', 'async'));
ALTER TABLE projects ADD CONSTRAINT projects_hipaa_audit_sync
  CHECK (audit_log_level <> 'hipaa' OR audit_delivery = 'sync');

-- One database role per person and project, made by Ward from their project role. The role's
-- password is random, known only to Ward (encrypted under the project's key); the gateway logs in
-- with it. scram_salt is the salt all of the person's short-lived passwords for the project share:
-- SCRAM sends the salt before the client proves which password it holds.
CREATE TABLE db_roles (
  project_id   text NOT NULL REFERENCES projects (id),
  user_id      text NOT NULL REFERENCES users (id),
  role_name    text NOT NULL,
  project_role text NOT NULL CHECK (project_role IN ('owner', 'readwrite', 'readonly')),
  password_enc bytea NOT NULL,
  scram_salt   bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, user_id)
);
CREATE UNIQUE INDEX db_roles_name ON db_roles (project_id, role_name);

-- Short-lived database passwords (ward db credentials): only their SCRAM verifier is kept.
CREATE TABLE db_credentials (
  id         text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects (id),
  user_id    text NOT NULL REFERENCES users (id),
  iterations integer NOT NULL,
  stored_key bytea NOT NULL,
  server_key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX db_credentials_login ON db_credentials (user_id, project_id, expires_at);
