SET search_path = ward;

-- Audit pages are newest first by (time, seq), not by seq alone (ADR 0005, "Filtered pages").
-- Every filter index ends in (time DESC, seq DESC), so a time bound is a range of the index the
-- page is read from. With pages by seq, `until` had to walk the chain back from its newest event
-- to the bound (time and seq rise together, which the planner cannot know): 245 ms for an action
-- before a time 80% back in a million events, where a range read takes well under a millisecond.
-- The new indexes are built on every partition while the migration holds its locks, before Ward
-- serves: on a log of millions of events, that is minutes of the upgrade.
DROP INDEX audit_events_chain_time;
DROP INDEX audit_events_chain_action;
DROP INDEX audit_events_chain_actor;
DROP INDEX audit_events_chain_project;
CREATE INDEX audit_events_chain_time ON audit_events (chain_id, time DESC, seq DESC);
CREATE INDEX audit_events_chain_action ON audit_events (chain_id, action, time DESC, seq DESC);
CREATE INDEX audit_events_chain_actor ON audit_events (chain_id, actor_id, time DESC, seq DESC);
CREATE INDEX audit_events_chain_project ON audit_events (chain_id, project_id, time DESC, seq DESC)
  WHERE project_id IS NOT NULL;
