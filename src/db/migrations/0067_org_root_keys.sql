-- Customer-managed root keys (issue 25): an org on the enterprise plan may keep the root of its
-- key hierarchy in its own HSM, reached over PKCS#11. Its org keys (active and retired) are then
-- wrapped by the HSM key (keys.wrapped_by names it, an RFC 7512 URI); its project keys stay
-- wrapped by the org key. The token's PIN is kept sealed under Ward's system key so Ward can log
-- in again after a restart. `state` is what the last probe of the key found: while it is
-- `unavailable`, the org's projects are `suspended` (stopped, their directories locked) and the
-- gateway refuses sessions to them; they start again when the key is usable.
-- Cost on upgrade: one empty table, and the projects status CHECK replaced (it reads the projects
-- table once, one row per project, under a brief exclusive lock); instant for any installation.
SET search_path = ward;

CREATE TABLE org_root_keys (
  org_id      text PRIMARY KEY REFERENCES orgs (id),
  kind        text NOT NULL CHECK (kind IN ('pkcs11')),
  -- The PKCS#11 library (one the operator allows in ward.yaml's hsm_modules), token and key labels.
  module      text NOT NULL CHECK (length(module) BETWEEN 1 AND 500),
  token       text NOT NULL CHECK (length(token) BETWEEN 1 AND 64),
  key_label   text NOT NULL CHECK (length(key_label) BETWEEN 1 AND 128),
  -- The keystore's id, as keys.wrapped_by records it.
  keystore_id text NOT NULL UNIQUE,
  -- The token's user PIN, sealed under Ward's system key (never stored in clear).
  pin_sealed  bytea NOT NULL,
  state       text NOT NULL CHECK (state IN ('available', 'unavailable')),
  reason      text CHECK (length(reason) <= 1000),
  state_since timestamptz NOT NULL DEFAULT now(),
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text REFERENCES users (id),
  -- PKCS#11 logs in per process and token: two orgs on one token would share one login.
  UNIQUE (module, token)
);

-- A project whose org's root key is unavailable is `suspended`: stopped until the key is back.
ALTER TABLE projects DROP CONSTRAINT projects_status_check;
ALTER TABLE projects ADD CONSTRAINT projects_status_check
  CHECK (status IN ('provisioning', 'restoring', 'running', 'suspended', 'failed', 'pending_deletion', 'deleting', 'deleted'));

-- No GRANT here: the runtime role gets its rights from grantRuntimeRole (src/db/migrate.ts).
