-- Audit sinks: copies of a chain delivered elsewhere (a JSON-lines file, syslog over TLS, an
-- HTTPS webhook), at least once, each with a cursor that moves only after a delivery succeeded.
SET search_path = ward;

CREATE TABLE audit_sinks (
  id            text PRIMARY KEY,
  chain_id      text NOT NULL,
  name          text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('file', 'syslog', 'webhook')),
  format        text NOT NULL CHECK (format IN ('json', 'ocsf')),
  -- Where to deliver; never a secret (file name, host and port, URL, a CA certificate to trust).
  config        jsonb NOT NULL,
  -- The webhook's HMAC key, encrypted under the org's key.
  secret_sealed bytea,
  enabled       boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (chain_id, name)
);

CREATE TABLE audit_sink_state (
  sink_id              text PRIMARY KEY REFERENCES audit_sinks (id) ON DELETE CASCADE,
  delivered_seq        bigint NOT NULL DEFAULT 0,
  delivered_checkpoint bigint NOT NULL DEFAULT 0,
  last_success_at      timestamptz,
  last_error           text,
  last_error_at        timestamptz,
  attempts             integer NOT NULL DEFAULT 0,
  next_attempt_at      timestamptz,
  -- Which Ward process is delivering, until when: one deliverer per sink at a time.
  lease_owner          text,
  lease_until          timestamptz
);
