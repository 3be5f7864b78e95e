-- An alert turned into an incident (issue 21: "an alert can be acknowledged, dismissed with a
-- reason, or turned into an incident") names the incident it became; escalated means exactly
-- that. An alert becomes at most one incident: the incident is made in the same transaction that
-- claims the alert, under the alert row's lock.
-- Deferred: the alert is claimed (and the incident named) before the incident row is written,
-- in the same transaction.
ALTER TABLE alerts ADD COLUMN incident_id text REFERENCES incidents (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE alerts ADD CONSTRAINT alerts_escalated_names_incident
  CHECK (status <> 'escalated' OR incident_id IS NOT NULL);
CREATE INDEX alerts_by_incident ON alerts (incident_id) WHERE incident_id IS NOT NULL;
