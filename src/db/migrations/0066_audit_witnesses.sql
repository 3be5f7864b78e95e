-- Witnesses (issue 26): independent parties, run by the customer, that cosign a chain's
-- checkpoints only after checking each one extends the last they cosigned (C2SP tlog-witness).
-- A witness is registered per chain (an org's id) with its verifier key; the cosignatures it
-- returns are kept beside the checkpoints, append-only, so a rollback or a rewritten history
-- contradicts what an outside party signed.
SET search_path = ward;

CREATE TABLE audit_witnesses (
  id         text PRIMARY KEY,
  chain_id   text NOT NULL,
  -- Ward's name for it (a slug) and the key name its cosignatures carry (from its vkey).
  name       text NOT NULL,
  key_name   text NOT NULL,
  -- The witness's verifier key: <key name>+<key id>+base64(0x04 || Ed25519 public key).
  vkey       text NOT NULL,
  -- Its submission prefix: https, or http on this machine's loopback.
  url        text NOT NULL,
  -- A CA certificate to trust for an https witness (never a secret).
  ca_pem     text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (chain_id, name),
  UNIQUE (chain_id, vkey)
);

-- How submission to each witness goes; what it last refused and whether that was raised.
CREATE TABLE audit_witness_state (
  witness_id      text PRIMARY KEY REFERENCES audit_witnesses (id) ON DELETE CASCADE,
  last_success_at timestamptz,
  last_status     integer,
  last_error      text,
  last_error_at   timestamptz,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  -- The finding last raised as an alert, so each is raised once, not every pass.
  raised          text
);

-- How many registered witnesses must cosign a checkpoint for it to count (default 1).
CREATE TABLE audit_witness_quorum (
  chain_id   text PRIMARY KEY,
  quorum     integer NOT NULL CHECK (quorum >= 1),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every cosignature a witness returned: the checkpoint it covers (size and root, the note body
-- is rebuilt from them and the chain's origin) and the note signature line's bytes
-- (key id || timestamp || Ed25519 signature). Evidence: kept after the witness is removed.
CREATE TABLE audit_cosignatures (
  chain_id    text NOT NULL,
  tree_size   bigint NOT NULL,
  root_hash   bytea NOT NULL,
  key_name    text NOT NULL,
  witness_id  text NOT NULL,
  timestamp   bigint NOT NULL,
  signature   bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, key_name, tree_size)
);
CREATE INDEX audit_cosignatures_newest ON audit_cosignatures (chain_id, tree_size DESC);

CREATE TRIGGER audit_cosignatures_append_only BEFORE UPDATE OR DELETE ON audit_cosignatures
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_cosignatures_no_truncate BEFORE TRUNCATE ON audit_cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
