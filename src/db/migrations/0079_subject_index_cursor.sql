-- The subject index written after its batches commit (ADR 0038): `subject_index_cursor` says, per
-- chain, the first seq of the newest batch whose subject index rows are written; every batch of
-- the chain up to it is indexed. The index rows and the cursor move in the same statement. At
-- start Ward reads the batches after each cursor (audit/subject-indexer.ts catchUp) and indexes
-- what they hold, so a crash between a batch's commit and its index rows loses nothing: the
-- tokens are in the batch's hashed events. Ward's runtime role moves the cursor (UPDATE); the
-- index itself stays append-only for it.
-- Upgrade cost: until now every batch was indexed in its own statement, so each chain's cursor
-- starts at its newest batch (one index probe a chain).
SET search_path = ward;

CREATE TABLE subject_index_cursor (
  chain_id  text PRIMARY KEY,
  first_seq bigint NOT NULL
);

INSERT INTO subject_index_cursor (chain_id, first_seq)
SELECT c.id, b.first_seq
  FROM audit_chains c
  CROSS JOIN LATERAL (SELECT max(first_seq) AS first_seq FROM audit_batches WHERE chain_id = c.id) b
 WHERE b.first_seq IS NOT NULL;
