-- The audit log: one hash chain per organization plus one for the operator. Append-only: a
-- trigger refuses UPDATE, DELETE and TRUNCATE, and the runtime role is granted only INSERT and
-- SELECT (see db/migrate.ts). Partitioned by month so queries over years of events stay fast.
SET search_path = ward;

CREATE TABLE audit_chains (
  id        text PRIMARY KEY,
  last_seq  bigint NOT NULL,
  last_hash bytea NOT NULL
);

-- The columns beside `body` exist to filter and index by; a constraint (below) makes the database
-- guarantee they say what the hashed record says.
CREATE TABLE audit_events (
  chain_id   text NOT NULL,
  seq        bigint NOT NULL,
  id         text NOT NULL,
  time       timestamptz NOT NULL,
  action     text NOT NULL,
  outcome    text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  -- The acting person or service ('ward' for Ward itself), the project concerned.
  actor_id   text,
  project_id text,
  -- The RFC 8785 canonical JSON of the hashed fields: exactly the bytes that were hashed.
  body       text NOT NULL,
  prev_hash  bytea NOT NULL,
  hash       bytea NOT NULL,
  PRIMARY KEY (chain_id, seq, time)
) PARTITION BY RANGE (time);

-- True when every column agrees with the hashed record. IMMUTABLE: the time is compared as UTC
-- text, so the answer does not depend on settings. One parse of the body per row.
CREATE FUNCTION audit_columns_match(b jsonb, p_chain text, p_seq bigint, p_id text, p_time timestamptz,
                                    p_action text, p_outcome text, p_actor text, p_project text)
RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN b->>'chain' = p_chain AND (b->>'seq')::bigint = p_seq AND b->>'id' = p_id
     AND b->>'time' = to_char(p_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
     AND b->>'action' = p_action AND b->>'outcome' = p_outcome
     AND b->'actor'->>'id' IS NOT DISTINCT FROM p_actor
     AND coalesce(CASE WHEN b->'target'->>'type' = 'project' THEN b->'target'->>'id' END,
                  b->'details'->>'project_id') IS NOT DISTINCT FROM p_project;
END
$$;

ALTER TABLE audit_events ADD CONSTRAINT audit_events_columns_match
  CHECK (audit_columns_match(body::jsonb, chain_id, seq, id, time, action, outcome, actor_id, project_id));

-- Catches any event whose month has no partition yet: an event is never refused for that.
CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT;

CREATE INDEX audit_events_chain_time ON audit_events (chain_id, time DESC);
CREATE INDEX audit_events_chain_action ON audit_events (chain_id, action, seq DESC);
CREATE INDEX audit_events_chain_actor ON audit_events (chain_id, actor_id, seq DESC);
CREATE INDEX audit_events_chain_project ON audit_events (chain_id, project_id, seq DESC) WHERE project_id IS NOT NULL;
CREATE INDEX audit_events_id ON audit_events (id);

-- Refuses changes to the log. The only way to remove events is ward.audit_purge (retention),
-- which runs as the owner and marks its transaction; nothing else can set that and delete.
CREATE FUNCTION audit_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('ward.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_default_no_truncate BEFORE TRUNCATE ON audit_events_default
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
