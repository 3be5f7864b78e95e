-- Retention removes a batch's subject index rows with the batch (ADR 0038). audit_purge is as in
-- 0065, and then, in the same transaction (the function's), deletes the chain's subject_index rows
-- up to the cut whose batch is gone: an index row never outlives its batch. It runs as the owner
-- (SECURITY DEFINER), as the batches' removal does; Ward's runtime role still holds only INSERT
-- and SELECT on subject_index. audit_purge is the only path that removes batches (no partition is
-- ever dropped). The delete reads the chain's index rows up to the cut (a scan of that chain's
-- rows, at most every 6 hours, only when retention removes something).
-- Upgrade cost: rows of batches already purged since 0076 are removed now (0076 is recent: small).
SET search_path = ward;

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
  -- The subject index rows of every batch no longer stored, in a statement of its own (a fresh
  -- snapshot: it sees index rows committed while the DELETE above waited on a batch's lock).
  DELETE FROM subject_index s
   WHERE s.chain_id = p_chain AND s.first_seq <= cp.tree_size
     AND NOT EXISTS (SELECT 1 FROM audit_batches b
                      WHERE b.chain_id = s.chain_id AND b.first_seq = s.first_seq AND b.time_from = s.time_from);
  PERFORM set_config('ward.audit_purge', 'off', true);
  RETURN removed + removed_batched;
END
$$;

DELETE FROM subject_index s
 WHERE NOT EXISTS (SELECT 1 FROM audit_batches b
                    WHERE b.chain_id = s.chain_id AND b.first_seq = s.first_seq AND b.time_from = s.time_from);
