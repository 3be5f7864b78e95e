-- The audit log: one hash chain per organization plus one for the operator. Append-only: a
-- trigger refuses UPDATE, DELETE and TRUNCATE, and the runtime role is granted only INSERT and
-- SELECT (see db/migrate.ts). Partitioned by month so retention drops whole partitions and
-- queries over years of events stay fast.
SET search_path = ward;

CREATE TABLE audit_chains (
  id        text PRIMARY KEY,
  last_seq  bigint NOT NULL,
  last_hash bytea NOT NULL
);

CREATE TABLE audit_events (
  chain_id  text NOT NULL,
  seq       bigint NOT NULL,
  id        text NOT NULL,
  time      timestamptz NOT NULL,
  action    text NOT NULL,
  outcome   text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  actor     jsonb NOT NULL,
  target    jsonb NOT NULL,
  details   jsonb NOT NULL,
  prev_hash bytea NOT NULL,
  hash      bytea NOT NULL,
  PRIMARY KEY (chain_id, seq, time)
) PARTITION BY RANGE (time);

-- Catches any event whose month has no partition yet: an event is never refused for that.
CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT;

CREATE INDEX audit_events_chain_time ON audit_events (chain_id, time);
CREATE INDEX audit_events_id ON audit_events (id);

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
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
