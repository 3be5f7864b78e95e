-- The runtime role reads and appends to the audit log and can do nothing else to it, on every
-- partition as on the parent, and only the owner deletes, through retention (issue 23).
--
-- Before this, grantRuntimeRole's GRANT … ON ALL TABLES reached the monthly partitions while its
-- REVOKE named only the parent, so the runtime role held UPDATE and DELETE on every partition; and
-- the append-only trigger let a DELETE through whenever `ward.audit_purge` was 'on', a setting any
-- session may set. Every statement here can run again (CREATE OR REPLACE, grants).
-- Cost on upgrade: a few GRANT/REVOKE per existing partition and three functions redefined; instant
-- whatever the size of the log (no row is read or rewritten).
SET search_path = ward;

-- Gives a partition exactly its parent's privileges: whatever was granted on it (by hand, by
-- ALL TABLES, by default privileges) is revoked, then the parent's grants are repeated.
CREATE OR REPLACE FUNCTION audit_partition_grants(part regclass) RETURNS void
LANGUAGE plpgsql SET search_path = ward, pg_temp AS $$
DECLARE
  parent regclass := (SELECT inhparent FROM pg_inherits WHERE inhrelid = part);
  g record;
BEGIN
  FOR g IN SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS who
             FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = part AND a.grantee <> c.relowner LOOP
    EXECUTE format('REVOKE ALL ON %s FROM %s', part, g.who);
  END LOOP;
  FOR g IN SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS who,
                  a.privilege_type, a.is_grantable
             FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = parent AND a.grantee <> c.relowner LOOP
    EXECUTE format('GRANT %s ON %s TO %s%s', g.privilege_type, part, g.who,
                   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION audit_partition_grants(regclass) FROM PUBLIC;

-- The partitions an existing $WARD_HOME already has.
SELECT audit_partition_grants(relid) FROM pg_partition_tree('audit_events') WHERE parentrelid IS NOT NULL;

-- As in 0005, and each new partition gets its parent's privileges.
CREATE OR REPLACE FUNCTION audit_ensure_partitions(months_ahead int) RETURNS int
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
    PERFORM audit_partition_grants(to_regclass(quote_ident(name)));
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;

-- Refuses changes to the log. A DELETE passes only when the transaction is marked as retention's
-- (ward.audit_purge) AND the statement runs as the log's owner: the mark alone is worth nothing,
-- since any session can set it, and the runtime role acts as the owner only inside audit_purge.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('ward.audit_purge', true) = 'on' THEN
    IF current_user = (SELECT pg_catalog.pg_get_userbyid(relowner) FROM pg_catalog.pg_class
                        WHERE oid = 'ward.audit_events'::regclass) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Retention, as in 0005, with the floor enforced on what is deleted rather than on what the
-- caller's rows say. The runtime role may append events, checkpoints and exports, so a forged
-- "old" event at a checkpoint's seq could otherwise make recent events look past their age: here
-- a cut that holds any event younger than the retention age removes nothing. The org's own
-- setting can only lengthen what the caller asked.
CREATE OR REPLACE FUNCTION audit_purge(p_chain text, keep_days int) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ward, pg_temp AS $$
DECLARE
  min_days int := CASE WHEN EXISTS (SELECT 1 FROM orgs WHERE id = p_chain AND hipaa_enabled) THEN 2192 ELSE 30 END;
  org_days int := (SELECT (settings->>'audit_retention_days')::int FROM orgs WHERE id = p_chain);
  cutoff timestamptz;
  exported bigint;
  cp record;
  removed bigint;
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
    JOIN audit_events e ON e.chain_id = c.chain_id AND e.seq = c.tree_size
   WHERE c.chain_id = p_chain AND c.tree_size <= exported
     AND e.time < cutoff
     AND c.tree_size > coalesce((SELECT seq FROM audit_anchors WHERE chain_id = p_chain), 0)
   ORDER BY c.tree_size DESC LIMIT 1;
  IF cp IS NULL THEN
    RETURN 0;
  END IF;
  IF EXISTS (SELECT 1 FROM audit_events WHERE chain_id = p_chain AND seq <= cp.tree_size AND time >= cutoff) THEN
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
  PERFORM set_config('ward.audit_purge', 'off', true);
  RETURN removed;
END
$$;
