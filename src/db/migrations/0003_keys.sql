-- Envelope encryption: data keys, each wrapped by its parent (an org's key wraps its projects'
-- keys; the keystore's root key wraps org and system keys). Destroying a key (crypto-shredding)
-- erases its wrapped bytes: nothing encrypted under it can be read again.
SET search_path = ward;

CREATE TABLE keys (
  id           text PRIMARY KEY,
  scope_type   text NOT NULL CHECK (scope_type IN ('system', 'org', 'project')),
  scope_id     text NOT NULL,
  -- The key that wraps this one: another key's id, or the keystore's id for top-level keys.
  wrapped_by   text NOT NULL,
  wrapped      bytea,
  state        text NOT NULL CHECK (state IN ('active', 'retired', 'destroyed')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  retired_at   timestamptz,
  destroyed_at timestamptz,
  CHECK ((state = 'destroyed') = (wrapped IS NULL))
);
-- One active key per scope; older versions stay (retired) until their data is gone.
CREATE UNIQUE INDEX keys_active_scope ON keys (scope_type, scope_id) WHERE state = 'active';
CREATE INDEX keys_wrapped_by ON keys (wrapped_by);
