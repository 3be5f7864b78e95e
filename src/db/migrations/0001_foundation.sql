-- Foundation: people, sign-in state, bearer tokens, organizations, members, projects.
SET search_path = ward;

CREATE TABLE users (
  id            text PRIMARY KEY,
  email         text NOT NULL,
  name          text NOT NULL,
  password_hash text NOT NULL,
  is_operator   boolean NOT NULL DEFAULT false,
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Consecutive failed sign-ins per email address, whether or not an account has it, so that the
-- lockout answer is the same for real and unknown addresses.
CREATE TABLE sign_in_failures (
  email           text PRIMARY KEY,
  failures        integer NOT NULL,
  locked_until    timestamptz,
  last_failure_at timestamptz NOT NULL
);

-- Bearer tokens: only the SHA-256 digest of the secret is kept.
CREATE TABLE tokens (
  id           text PRIMARY KEY,
  user_id      text NOT NULL REFERENCES users (id),
  kind         text NOT NULL CHECK (kind IN ('session', 'personal')),
  name         text NOT NULL,
  digest       bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX tokens_user ON tokens (user_id, kind);

CREATE TABLE orgs (
  id            text PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  plan          text NOT NULL DEFAULT 'basic' CHECK (plan IN ('basic', 'scale', 'enterprise')),
  hipaa_enabled boolean NOT NULL DEFAULT false,
  settings      jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE org_members (
  org_id     text NOT NULL REFERENCES orgs (id),
  user_id    text NOT NULL REFERENCES users (id),
  role       text NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'auditor', 'member')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_members_user ON org_members (user_id);

CREATE TABLE projects (
  id              text PRIMARY KEY,
  org_id          text NOT NULL REFERENCES orgs (id),
  name            text NOT NULL,
  region_id       text NOT NULL,
  audit_log_level text NOT NULL CHECK (audit_log_level IN ('standard', 'hipaa')),
  status          text NOT NULL CHECK (status IN ('provisioning', 'running', 'failed', 'deleting', 'deleted')),
  status_reason   text,
  created_by      text REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
-- A name is unique among an org's live projects; a deleted project's name can be reused.
CREATE UNIQUE INDEX projects_org_name ON projects (org_id, name) WHERE status <> 'deleted';
CREATE INDEX projects_org_created ON projects (org_id, created_at, id);
