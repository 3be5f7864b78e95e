-- The compliance center (issue 20): what Ward remembers about each org's HIPAA controls.
--  * compliance_states: each control's current state and since when (its changes are audit
--    events, `compliance.control.change`, which the evidence drawer links to);
--  * compliance_snapshots: one row per org and day, both scores and every control's state, for
--    the 90-day chart and the report;
--  * compliance_attestations: documents an owner uploads for what Ward cannot see (risk analysis,
--    training, …): the file sealed under the org's key, its SHA-256, and the date by which it
--    must be reviewed again; the newest one per control counts;
--  * compliance_decisions: 164.306(d)(3) decisions on addressable specifications (implemented,
--    an alternative measure, not reasonable and appropriate) and "does not apply" for the few
--    specifications that apply only to some entities; each expires after 12 months.
-- Cost on upgrade: four empty tables; instant whatever the size of the installation.
SET search_path = ward;

CREATE TABLE compliance_states (
  org_id      text NOT NULL REFERENCES orgs (id),
  control_id  text NOT NULL CHECK (length(control_id) BETWEEN 1 AND 100),
  state       text NOT NULL
              CHECK (state IN ('passing', 'failing', 'attested', 'alternative', 'not_applicable')),
  -- The state before the last change, so a recovery can be told apart from a steady pass.
  previous_state text
              CHECK (previous_state IN ('passing', 'failing', 'attested', 'alternative', 'not_applicable')),
  since       timestamptz NOT NULL,
  message     text NOT NULL CHECK (length(message) <= 4000),
  checked_at  timestamptz NOT NULL,
  PRIMARY KEY (org_id, control_id)
);

CREATE TABLE compliance_snapshots (
  org_id            text NOT NULL REFERENCES orgs (id),
  day               date NOT NULL,
  required_score    smallint NOT NULL CHECK (required_score BETWEEN 0 AND 100),
  addressable_score smallint NOT NULL CHECK (addressable_score BETWEEN 0 AND 100),
  required_met      boolean NOT NULL,
  -- {control_id: state} at the time of the snapshot.
  states            jsonb NOT NULL CHECK (jsonb_typeof(states) = 'object'),
  taken_at          timestamptz NOT NULL,
  PRIMARY KEY (org_id, day)
);

CREATE TABLE compliance_attestations (
  id           text PRIMARY KEY,
  org_id       text NOT NULL REFERENCES orgs (id),
  control_id   text NOT NULL CHECK (length(control_id) BETWEEN 1 AND 100),
  statement    text NOT NULL CHECK (length(statement) BETWEEN 1 AND 4000),
  file_name    text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  content_type text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 255),
  size_bytes   integer NOT NULL CHECK (size_bytes > 0),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- The document, AES-256-GCM under the org's key (keys.encrypt), never in clear.
  document     bytea NOT NULL,
  review_by    date NOT NULL,
  attested_by  text NOT NULL REFERENCES users (id),
  attested_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX compliance_attestations_current ON compliance_attestations (org_id, control_id, attested_at);

CREATE TABLE compliance_decisions (
  id          text PRIMARY KEY,
  org_id      text NOT NULL REFERENCES orgs (id),
  control_id  text NOT NULL CHECK (length(control_id) BETWEEN 1 AND 100),
  decision    text NOT NULL
              CHECK (decision IN ('implemented', 'alternative', 'not_reasonable', 'not_applicable')),
  rationale   text NOT NULL CHECK (length(rationale) BETWEEN 1 AND 4000),
  decided_by  text NOT NULL REFERENCES users (id),
  decided_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX compliance_decisions_current ON compliance_decisions (org_id, control_id, decided_at);
