-- Audit pages by actor or project read only the events they show (issue 19, ADR 0015).
-- A batch's keys (actor_ids, project_ids) say which people and projects its events name, not
-- which events: a page for one actor read every batch that names the actor whole, and its
-- payload with it (a busy batch holds hundreds of events; the bench's actor page read 2.4 MB to
-- show 50 events). `event_index` says, for each event of the batch in order, where its frame
-- starts in the payload and which actor and project it names: per event 8 bytes, a uint32 byte
-- offset, then a uint16 index into actor_ids and one into project_ids (65535: none), all
-- big-endian. A page then reads only the matching events' bytes (the payload is stored out of
-- line and uncompressed, so a substring reads only the chunks it covers). Like the other keys it
-- only narrows: each event read is decoded and matched against the filter from its own record.
-- Batches written before this migration have none and are read whole, as before.
-- Upgrade cost: the column is added without rewriting the table.
SET search_path = ward;

ALTER TABLE audit_batches ADD COLUMN event_index bytea;
