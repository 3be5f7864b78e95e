-- Statement events in bulk (issue 19, ADR 0015): the gateway's events (db.connect, db.statement,
-- db.statement.result, db.disconnect) are written by group commit, and each group is one row
-- here instead of one row per event with six index entries and a checked JSON body. A batch holds
-- consecutive events of one chain (first_seq..last_seq), in the same chain and seq space as
-- audit_events: a chain mixes rows of both tables, and its head (audit_chains) moves the same
-- way for both, so verification, checkpoints and proofs read one sequence.
--
-- `payload` is the batch's events as stored and hashed (audit/batch-codec.ts): for each event its
-- RFC 8785 canonical JSON (the bytes hashed, as in audit_events.body), the hash it links to and
-- its hash. The keys beside it (time range, actors, projects, actions, outcomes) only narrow which
-- batches a reader decodes; every view of an event is built from the payload. `seal` is the
-- writer's seal over the head the batch extended and the one it made.
--
-- Upgrade cost: a new, empty table; existing events stay where they are, and the chain continues
-- across both tables.
SET search_path = ward;

CREATE TABLE audit_batches (
  chain_id    text NOT NULL,
  first_seq   bigint NOT NULL,
  last_seq    bigint NOT NULL,
  time_from   timestamptz NOT NULL,
  time_to     timestamptz NOT NULL,
  actor_ids   text[] NOT NULL,
  project_ids text[] NOT NULL,
  actions     text[] NOT NULL,
  outcomes    text[] NOT NULL,
  payload     bytea NOT NULL,
  seal        bytea NOT NULL,
  PRIMARY KEY (chain_id, first_seq, time_from),
  CHECK (last_seq >= first_seq AND time_to >= time_from)
) PARTITION BY RANGE (time_from);

-- Stored as it comes, not compressed: compressing would cost the control database CPU on every
-- batch of the gateway's hot path, and the searches inside a payload (position()) read it as is.
ALTER TABLE audit_batches ALTER COLUMN payload SET STORAGE EXTERNAL;

CREATE TABLE audit_batches_default PARTITION OF audit_batches DEFAULT;

-- Pages newest first are read by time: the batches newest first by their newest event. The
-- events of a batch lie at most a second apart (audit.store MAX_BATCH_SPAN_MS), so a page before a
-- time is a range of this index too.
CREATE INDEX audit_batches_chain_time ON audit_batches (chain_id, time_to DESC, first_seq DESC);

CREATE TRIGGER audit_batches_append_only BEFORE UPDATE OR DELETE ON audit_batches
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_batches_no_truncate BEFORE TRUNCATE ON audit_batches
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_batches_default_no_truncate BEFORE TRUNCATE ON audit_batches_default
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- A batch's events as rows (seq, body, prev_hash, hash), decoded from its payload in SQL: for
-- people and tools reading the log with SQL. Ward itself decodes payloads in Node.
CREATE FUNCTION audit_batch_events(p_first bigint, p_payload bytea)
RETURNS TABLE (seq bigint, body text, prev_hash bytea, hash bytea)
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  at int := 0;
  n int;
  len int := octet_length(p_payload);
BEGIN
  seq := p_first;
  WHILE at + 4 <= len LOOP
    n := (get_byte(p_payload, at) << 24) | (get_byte(p_payload, at + 1) << 16)
       | (get_byte(p_payload, at + 2) << 8) | get_byte(p_payload, at + 3);
    EXIT WHEN n < 0 OR at + 4 + n + 64 > len;
    body := convert_from(substring(p_payload FROM at + 5 FOR n), 'UTF8');
    prev_hash := substring(p_payload FROM at + 5 + n FOR 32);
    hash := substring(p_payload FROM at + 37 + n FOR 32);
    RETURN NEXT;
    seq := seq + 1;
    at := at + 4 + n + 64;
  END LOOP;
END
$$;

-- The whole log, one row per event, from both tables: what audit_events alone was before.
-- `batch` is the first seq of the batch an event is stored in, NULL for an event stored alone.
CREATE VIEW audit_log AS
  SELECT chain_id, seq, id, time, action, outcome, actor_id, project_id, body, prev_hash, hash, NULL::bigint AS batch
    FROM audit_events
  UNION ALL
  SELECT b.chain_id, e.seq, j->>'id', (j->>'time')::timestamptz, j->>'action', j->>'outcome', j->'actor'->>'id',
         coalesce(CASE WHEN j->'target'->>'type' = 'project' THEN j->'target'->>'id' END, j->'details'->>'project_id'),
         e.body, e.prev_hash, e.hash, b.first_seq
    FROM audit_batches b
    CROSS JOIN LATERAL audit_batch_events(b.first_seq, b.payload) e
    CROSS JOIN LATERAL (SELECT e.body::jsonb AS j) p;

-- As in 0060, for both tables of the log: each month's partition of audit_events and of
-- audit_batches, with its parent's privileges. A month whose rows already went to a default
-- partition is skipped for that table, never moved.
CREATE OR REPLACE FUNCTION audit_ensure_partitions(months_ahead int) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ward, pg_temp AS $$
DECLARE
  first date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  m date;
  name text;
  created int := 0;
  busy boolean;
BEGIN
  FOR i IN 0..months_ahead LOOP
    m := (first + make_interval(months => i))::date;
    FOREACH name IN ARRAY ARRAY['audit_events', 'audit_batches'] LOOP
      CONTINUE WHEN to_regclass(format('%s_%s', name, to_char(m, 'YYYY_MM'))) IS NOT NULL;
      IF name = 'audit_events' THEN
        busy := EXISTS (SELECT 1 FROM audit_events_default WHERE time >= m AND time < (m + interval '1 month'));
      ELSE
        busy := EXISTS (SELECT 1 FROM audit_batches_default
                         WHERE time_from >= m AND time_from < (m + interval '1 month'));
      END IF;
      CONTINUE WHEN busy;
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                     format('%s_%s', name, to_char(m, 'YYYY_MM')), name,
                     m::timestamptz, (m + interval '1 month')::timestamptz);
      EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()',
                     format('%s_%s_no_truncate', name, to_char(m, 'YYYY_MM')),
                     format('%s_%s', name, to_char(m, 'YYYY_MM')));
      PERFORM audit_partition_grants(to_regclass(quote_ident(format('%s_%s', name, to_char(m, 'YYYY_MM')))));
      created := created + 1;
    END LOOP;
  END LOOP;
  RETURN created;
END
$$;

-- As in 0060, over both tables. The cut is a checkpoint whose last event is older than the
-- retention age; a batch is removed only when all of it lies at or below the cut (a batch the cut
-- falls inside stays whole, and readers skip its events up to the anchor). An event's age in a
-- batch is its batch's newest time (time_to), so nothing younger than the floor is removed.
CREATE OR REPLACE FUNCTION audit_purge(p_chain text, keep_days int) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ward, pg_temp AS $$
DECLARE
  min_days int := CASE WHEN EXISTS (SELECT 1 FROM orgs WHERE id = p_chain AND hipaa_enabled) THEN 2192 ELSE 30 END;
  org_days int := (SELECT (settings->>'audit_retention_days')::int FROM orgs WHERE id = p_chain);
  cutoff timestamptz;
  exported bigint;
  cp record;
  removed bigint;
  removed_batched bigint;
BEGIN
  IF keep_days IS NULL OR keep_days < min_days THEN
    RAISE EXCEPTION 'retention of % days is shorter than the minimum of % days for chain %', keep_days, min_days, p_chain
      USING ERRCODE = 'check_violation';
  END IF;
  cutoff := now() - make_interval(days => greatest(keep_days, org_days));
  SELECT max(up_to_seq) INTO exported FROM audit_exports WHERE chain_id = p_chain AND checkpoint_size >= up_to_seq;
  IF exported IS NULL THEN
    RETURN 0;
  END IF;
  SELECT c.tree_size, c.last_hash, c.frontier INTO cp
    FROM audit_checkpoints c
   WHERE c.chain_id = p_chain AND c.tree_size <= exported
     AND (EXISTS (SELECT 1 FROM audit_events e
                   WHERE e.chain_id = c.chain_id AND e.seq = c.tree_size AND e.time < cutoff)
          OR EXISTS (SELECT 1 FROM audit_batches b
                      WHERE b.chain_id = c.chain_id AND b.first_seq <= c.tree_size AND b.last_seq >= c.tree_size
                        AND b.time_to < cutoff))
     AND c.tree_size > coalesce((SELECT seq FROM audit_anchors WHERE chain_id = p_chain), 0)
   ORDER BY c.tree_size DESC LIMIT 1;
  IF cp IS NULL THEN
    RETURN 0;
  END IF;
  IF EXISTS (SELECT 1 FROM audit_events WHERE chain_id = p_chain AND seq <= cp.tree_size AND time >= cutoff)
     OR EXISTS (SELECT 1 FROM audit_batches WHERE chain_id = p_chain AND first_seq <= cp.tree_size
                                              AND time_from >= cutoff) THEN
    RAISE EXCEPTION 'chain %: the events up to seq % are not all older than % days; nothing was removed',
      p_chain, cp.tree_size, greatest(keep_days, org_days)
      USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO audit_anchors (chain_id, seq, hash, frontier, purged_at)
  VALUES (p_chain, cp.tree_size, cp.last_hash, cp.frontier, now())
  ON CONFLICT (chain_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash,
                                       frontier = EXCLUDED.frontier, purged_at = EXCLUDED.purged_at;
  PERFORM set_config('ward.audit_purge', 'on', true);
  DELETE FROM audit_events WHERE chain_id = p_chain AND seq <= cp.tree_size AND time < cutoff;
  GET DIAGNOSTICS removed = ROW_COUNT;
  WITH gone AS (
    DELETE FROM audit_batches WHERE chain_id = p_chain AND last_seq <= cp.tree_size AND time_to < cutoff
    RETURNING last_seq - first_seq + 1 AS n)
  SELECT coalesce(sum(n), 0) INTO removed_batched FROM gone;
  PERFORM set_config('ward.audit_purge', 'off', true);
  RETURN removed + removed_batched;
END
$$;

-- Whatever partitions this month and the next two need, made now (as Ward's start does).
SELECT audit_ensure_partitions(2);
