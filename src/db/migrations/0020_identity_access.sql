-- Identity and access: service accounts, TOTP and recovery codes, sign-in throttling per address,
-- per-project grants, break-glass access, SSO per org, alert webhooks, access reviews.
SET search_path = ward;

-- A service account is a principal like a person, so memberships, grants, tokens and revocation
-- work the same for both; it belongs to exactly one org and has no password.
ALTER TABLE users ADD COLUMN kind text NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'service'));
ALTER TABLE users ADD COLUMN org_id text REFERENCES orgs (id);
ALTER TABLE users ADD COLUMN last_sign_in_at timestamptz;
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_service_org CHECK ((kind = 'service') = (org_id IS NOT NULL));
ALTER TABLE users ADD CONSTRAINT users_person_password CHECK (kind = 'service' OR password_hash IS NOT NULL);

-- `mfa`: the session was opened with a second factor (TOTP, or the org's identity provider); a
-- personal token inherits it from the session that created it.
ALTER TABLE tokens DROP CONSTRAINT tokens_kind_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_kind_check CHECK (kind IN ('session', 'personal', 'service'));
ALTER TABLE tokens ADD COLUMN mfa boolean NOT NULL DEFAULT false;
ALTER TABLE tokens ADD COLUMN method text NOT NULL DEFAULT 'password' CHECK (method IN ('password', 'sso', 'token'));

-- The TOTP secret is encrypted under Ward's system key; `last_time_step` refuses a code replayed
-- within its window.
CREATE TABLE user_totp (
  user_id        text PRIMARY KEY REFERENCES users (id),
  secret         bytea NOT NULL,
  confirmed_at   timestamptz,
  last_time_step bigint NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- One-time recovery codes (80 random bits each): only their SHA-256 digest is kept.
CREATE TABLE recovery_codes (
  user_id text NOT NULL REFERENCES users (id),
  digest  bytea NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, digest)
);

-- Failed sign-ins per client address within a window (password spraying tries one password on
-- many accounts: per-account counters never trip, this one does).
CREATE TABLE sign_in_address_failures (
  address      text PRIMARY KEY,
  failures     integer NOT NULL,
  window_start timestamptz NOT NULL,
  locked_until timestamptz
);

CREATE TABLE project_grants (
  project_id text NOT NULL REFERENCES projects (id),
  user_id    text NOT NULL REFERENCES users (id),
  role       text NOT NULL CHECK (role IN ('owner', 'readwrite', 'readonly')),
  granted_by text REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_grants_user ON project_grants (user_id);

-- Emergency access: at most four hours, flagged until an owner reviews it.
CREATE TABLE break_glass (
  id          text PRIMARY KEY,
  org_id      text NOT NULL REFERENCES orgs (id),
  project_id  text NOT NULL REFERENCES projects (id),
  user_id     text NOT NULL REFERENCES users (id),
  role        text NOT NULL CHECK (role IN ('owner', 'readwrite', 'readonly')),
  reason      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  ended_at    timestamptz,
  reviewed_at timestamptz,
  reviewed_by text REFERENCES users (id),
  review_note text,
  CHECK (expires_at <= created_at + interval '4 hours')
);
CREATE INDEX break_glass_grantee ON break_glass (project_id, user_id);
CREATE INDEX break_glass_org ON break_glass (org_id, created_at);

-- OpenID Connect per org; the client secret is encrypted under the org's key. One org per email
-- domain, so a domain's people always go to the same identity provider.
CREATE TABLE org_sso (
  org_id        text PRIMARY KEY REFERENCES orgs (id),
  issuer        text NOT NULL,
  client_id     text NOT NULL,
  client_secret bytea NOT NULL,
  email_domain  text NOT NULL,
  require_sso   boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX org_sso_domain ON org_sso (lower(email_domain));

-- A sign-in through an identity provider in flight: single use, ten minutes. The PKCE verifier
-- itself stays in the browser's cookie; only its digest is here.
CREATE TABLE sso_attempts (
  state_digest    bytea PRIMARY KEY,
  org_id          text NOT NULL REFERENCES orgs (id),
  verifier_digest bytea NOT NULL,
  nonce           text NOT NULL,
  expires_at      timestamptz NOT NULL
);

-- Where an org's security alerts (break-glass) go: an HTTPS endpoint and an HMAC secret,
-- encrypted under the org's key.
CREATE TABLE org_alert_webhooks (
  org_id     text PRIMARY KEY REFERENCES orgs (id),
  url        text NOT NULL,
  secret     bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE access_reviews (
  id              text PRIMARY KEY,
  org_id          text NOT NULL REFERENCES orgs (id),
  started_by      text NOT NULL REFERENCES users (id),
  started_at      timestamptz NOT NULL DEFAULT now(),
  completed_by    text REFERENCES users (id),
  completed_at    timestamptz,
  evidence_sha256 bytea
);
CREATE INDEX access_reviews_org ON access_reviews (org_id, started_at);

CREATE TABLE access_review_items (
  review_id       text NOT NULL REFERENCES access_reviews (id),
  subject_id      text NOT NULL REFERENCES users (id),
  kind            text NOT NULL,
  email           text NOT NULL,
  name            text NOT NULL,
  org_role        text NOT NULL,
  project_grants  jsonb NOT NULL,
  last_sign_in_at timestamptz,
  last_db_use_at  timestamptz,
  decision        text CHECK (decision IN ('keep', 'revoke')),
  decided_by      text REFERENCES users (id),
  decided_at      timestamptz,
  note            text,
  PRIMARY KEY (review_id, subject_id)
);
