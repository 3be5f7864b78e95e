-- Signed checkpoints (RFC 6962 tree heads over a chain), retention anchors, exports, and the
-- monthly partitions of audit_events.
SET search_path = ward;

CREATE TABLE audit_checkpoints (
  chain_id  text NOT NULL,
  tree_size bigint NOT NULL,
  root_hash bytea NOT NULL,
  -- The hash of event number tree_size: ties the tree head to the hash chain.
  last_hash bytea NOT NULL,
  time      timestamptz NOT NULL,
  key_id    text NOT NULL,
  signature bytea NOT NULL,
  -- The compact range of the first tree_size leaves, so the next checkpoint (and retention)
  -- never has to re-read the events before it.
  frontier  bytea[] NOT NULL,
  PRIMARY KEY (chain_id, tree_size)
);

CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- Where a chain starts after retention removed its oldest events: the last removed event's
-- seq and hash, and the compact range of the tree up to it (from the checkpoint at that size).
CREATE TABLE audit_anchors (
  chain_id  text PRIMARY KEY,
  seq       bigint NOT NULL,
  hash      bytea NOT NULL,
  frontier  bytea[] NOT NULL,
  purged_at timestamptz NOT NULL
);

-- Copies of a chain that left Ward with a checkpoint: a download, or a sink's delivery. Retention
-- removes only events covered by such a copy.
CREATE TABLE audit_exports (
  id              text PRIMARY KEY,
  chain_id        text NOT NULL,
  up_to_seq       bigint NOT NULL,
  checkpoint_size bigint NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('download', 'sink')),
  sink_id         text,
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_exports_chain ON audit_exports (chain_id, up_to_seq DESC);

-- Creates the monthly partitions of audit_events from this month to `months_ahead` months
-- ahead (owner rights, callable by the runtime role). A month whose events already went to the
-- default partition is skipped, never moved: the event is kept where it is.
CREATE FUNCTION audit_ensure_partitions(months_ahead int) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ward, pg_temp AS $$
DECLARE
  first date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  m date;
  name text;
  created int := 0;
BEGIN
  FOR i IN 0..months_ahead LOOP
    m := (first + make_interval(months => i))::date;
    name := format('audit_events_%s', to_char(m, 'YYYY_MM'));
    CONTINUE WHEN to_regclass(name) IS NOT NULL;
    CONTINUE WHEN EXISTS (SELECT 1 FROM audit_events_default
                           WHERE time >= m AND time < (m + interval '1 month'));
    EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
                   name, m::timestamptz, (m + interval '1 month')::timestamptz);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()',
                   name || '_no_truncate', name);
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;
REVOKE ALL ON FUNCTION audit_ensure_partitions(int) FROM PUBLIC;
SELECT audit_ensure_partitions(2);

-- Retention: removes a chain's events older than `keep_days`, but only up to the newest
-- checkpoint that (a) lies entirely before that age and (b) is covered by an export. The removed
-- prefix leaves an anchor so the rest still verifies. HIPAA orgs keep at least 6 years
-- (2,192 days) whatever is asked. Returns the number of events removed.
CREATE FUNCTION audit_purge(p_chain text, keep_days int) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ward, pg_temp AS $$
DECLARE
  min_days int := CASE WHEN EXISTS (SELECT 1 FROM orgs WHERE id = p_chain AND hipaa_enabled) THEN 2192 ELSE 30 END;
  exported bigint;
  cp record;
  removed bigint;
BEGIN
  IF keep_days < min_days THEN
    RAISE EXCEPTION 'retention of % days is shorter than the minimum of % days for chain %', keep_days, min_days, p_chain
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT max(up_to_seq) INTO exported FROM audit_exports WHERE chain_id = p_chain AND checkpoint_size >= up_to_seq;
  IF exported IS NULL THEN
    RETURN 0;
  END IF;
  SELECT c.tree_size, c.last_hash, c.frontier INTO cp
    FROM audit_checkpoints c
    JOIN audit_events e ON e.chain_id = c.chain_id AND e.seq = c.tree_size
   WHERE c.chain_id = p_chain AND c.tree_size <= exported
     AND e.time < now() - make_interval(days => keep_days)
     AND c.tree_size > coalesce((SELECT seq FROM audit_anchors WHERE chain_id = p_chain), 0)
   ORDER BY c.tree_size DESC LIMIT 1;
  IF cp IS NULL THEN
    RETURN 0;
  END IF;
  INSERT INTO audit_anchors (chain_id, seq, hash, frontier, purged_at)
  VALUES (p_chain, cp.tree_size, cp.last_hash, cp.frontier, now())
  ON CONFLICT (chain_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash,
                                       frontier = EXCLUDED.frontier, purged_at = EXCLUDED.purged_at;
  PERFORM set_config('ward.audit_purge', 'on', true);
  DELETE FROM audit_events WHERE chain_id = p_chain AND seq <= cp.tree_size;
  GET DIAGNOSTICS removed = ROW_COUNT;
  PERFORM set_config('ward.audit_purge', 'off', true);
  RETURN removed;
END
$$;
REVOKE ALL ON FUNCTION audit_purge(text, int) FROM PUBLIC;
