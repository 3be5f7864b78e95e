-- Security incidents and the Breach Notification Rule (issue 21, "Respond" and "Notify"):
--  * incidents: the record (what happened, when, who reported it, its owner, its status), the
--    facts the deadlines depend on (the org's role, the business associate agreement, affected
--    counts per State) and the 164.402 risk assessment as the org recorded it;
--  * incident_knowledge: who knew when (164.404(a)(2)); the discovery date is derived from it;
--  * incident_events: the audit events an incident cites (their inclusion proofs go in the packet);
--  * incident_holds: law-enforcement statements (164.412); a written one's letter is sealed under
--    the org's key, its SHA-256 kept beside it;
--  * incident_notices: notices and letters, their content, schedule and when and how they were sent;
--  * incident_timeline: every step, append-only (a trigger refuses UPDATE, DELETE, TRUNCATE);
--  * incident_packets: signed evidence packets (164.414), permanent like compliance reports.
-- Cost on upgrade: seven empty tables; instant whatever the size of the installation.
SET search_path = ward;

CREATE TABLE incidents (
  id                 text PRIMARY KEY,
  org_id             text NOT NULL REFERENCES orgs (id),
  title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary            text NOT NULL CHECK (length(summary) <= 8000),
  occurred_from      date,
  occurred_to        date CHECK (occurred_to IS NULL OR occurred_from IS NULL OR occurred_to >= occurred_from),
  reported_by        text NOT NULL CHECK (length(reported_by) BETWEEN 1 AND 200),
  owner_id           text REFERENCES users (id),
  status             text NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'assessing', 'notifying', 'closed')),
  role               text NOT NULL DEFAULT 'covered_entity'
                     CHECK (role IN ('covered_entity', 'business_associate')),
  business_associate jsonb,
  affected           jsonb NOT NULL,
  assessment         jsonb,
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_org ON incidents (org_id, created_at);

CREATE TABLE incident_knowledge (
  id               text PRIMARY KEY,
  incident_id      text NOT NULL REFERENCES incidents (id),
  person           text NOT NULL CHECK (length(person) BETWEEN 1 AND 200),
  relation         text NOT NULL CHECK (relation IN ('workforce', 'agent')),
  known_on         date NOT NULL,
  basis            text NOT NULL CHECK (basis IN ('knew', 'should_have_known')),
  committed_breach boolean NOT NULL,
  recorded_by      text NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_knowledge_incident ON incident_knowledge (incident_id);

CREATE TABLE incident_events (
  incident_id text NOT NULL REFERENCES incidents (id),
  event_id    text NOT NULL,
  linked_by   text NOT NULL,
  linked_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (incident_id, event_id)
);

CREATE TABLE incident_holds (
  id            text PRIMARY KEY,
  incident_id   text NOT NULL REFERENCES incidents (id),
  kind          text NOT NULL CHECK (kind IN ('written', 'oral')),
  stated_on     date NOT NULL,
  until         date,
  official_name text,
  agency        text NOT NULL,
  statement     text NOT NULL CHECK (length(statement) <= 8000),
  file_name     text,
  content_type  text,
  size_bytes    integer,
  sha256        text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  document      bytea,
  recorded_by   text NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (kind = 'oral' OR (until IS NOT NULL AND document IS NOT NULL)),
  CHECK (kind = 'written' OR official_name IS NOT NULL)
);
CREATE INDEX incident_holds_incident ON incident_holds (incident_id);

CREATE TABLE incident_notices (
  id           text PRIMARY KEY,
  incident_id  text NOT NULL REFERENCES incidents (id),
  kind         text NOT NULL
               CHECK (kind IN ('individual', 'substitute', 'next_of_kin', 'media', 'secretary', 'covered_entity')),
  recipient    text NOT NULL CHECK (length(recipient) BETWEEN 1 AND 300),
  jurisdiction text,
  content      jsonb NOT NULL,
  ready_on     date NOT NULL,
  scheduled_on date NOT NULL,
  delay_reason text,
  sent_at      timestamptz,
  sent_via     text CHECK (sent_via IN ('mail', 'email', 'phone', 'web', 'media')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_notices_incident ON incident_notices (incident_id);

CREATE TABLE incident_timeline (
  id          bigserial PRIMARY KEY,
  incident_id text NOT NULL REFERENCES incidents (id),
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL,
  summary     text NOT NULL CHECK (length(summary) <= 2000)
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, id);

CREATE TABLE incident_packets (
  id          text PRIMARY KEY,
  incident_id text NOT NULL REFERENCES incidents (id),
  document    text NOT NULL,
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  signature   bytea NOT NULL,
  key_id      text NOT NULL,
  issued_at   timestamptz NOT NULL
);
CREATE INDEX incident_packets_incident ON incident_packets (incident_id, issued_at);

CREATE FUNCTION incident_records_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER incident_timeline_append_only BEFORE UPDATE OR DELETE ON incident_timeline
  FOR EACH ROW EXECUTE FUNCTION incident_records_refuse_change();
CREATE TRIGGER incident_timeline_no_truncate BEFORE TRUNCATE ON incident_timeline
  FOR EACH STATEMENT EXECUTE FUNCTION incident_records_refuse_change();
CREATE TRIGGER incident_packets_permanent BEFORE UPDATE OR DELETE ON incident_packets
  FOR EACH ROW EXECUTE FUNCTION incident_records_refuse_change();
CREATE TRIGGER incident_packets_no_truncate BEFORE TRUNCATE ON incident_packets
  FOR EACH STATEMENT EXECUTE FUNCTION incident_records_refuse_change();
