-- Accounting of access (ADR 0038, fourth pass): a batch's subject tokens move into its own row.
-- `subject_index` held one row per distinct token per batch: for the gateway that is a heap row,
-- its WAL and a btree insert per statement that names a patient, and it was most of what a
-- declared key cost the control database. Now the writer sends the tokens its batch's events
-- reached as one array in the batch's row (`subject_tokens`, null when none), found through a
-- GIN index: one row per batch as before. Tokens go with their batch (retention's DELETE, a
-- partition drop), and no lookup can find a token whose batch is not stored.
--
-- `fastupdate = off`: each batch's tokens go straight into the index. With the pending list
-- (the default) an insert costs a little less, but a lookup must read the whole list (up to
-- 4 MB) until a vacuum merges it, and the planner, seeing that, scanned the month's batches
-- instead (540 ms at 10 million events); without it a lookup is a probe (0.06 ms).
--
-- `subject_index` stays for the rows written before this migration (who-read reads both; the
-- purge removes its rows with their batches, migration 0078); nothing writes to it any more.
-- Upgrade cost: the column is added without rewriting the table; the index build reads
-- audit_batches once (its payloads are stored out of line and are not read), and indexes only
-- the rows that have tokens, none of which exist yet.
SET search_path = ward;

ALTER TABLE audit_batches ADD COLUMN subject_tokens bytea[];

CREATE INDEX audit_batches_subject_tokens ON audit_batches USING gin (subject_tokens) WITH (fastupdate = off)
  WHERE subject_tokens IS NOT NULL;
