-- Seals (audit/seal.ts): the last event of every write carries an HMAC, made by Ward's writer
-- under a key only Ward holds, over the chain head the write extended and the head it made. The
-- checkpointer signs only events that seals cover (ADR 0005). Events written before this
-- migration have none; Ward checkpoints them once, at the start that applies it.
--
-- Upgrade cost: adding a nullable column without a default is a catalog change only (no table
-- rewrite, on the parent and every partition); the column is not indexed.
ALTER TABLE audit_events ADD COLUMN seal bytea;
