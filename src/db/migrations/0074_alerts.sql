-- Alert rules over the audit stream (issue 21, "Detect"):
--  * alert_rules: an org's own setting of a built-in rule (switched, threshold, window); a rule
--    without a row takes its default (on for HIPAA orgs);
--  * alert_settings: the org's declared working hours and time zone, and who is e-mailed;
--  * alert_chain_state: per audit chain, the last seq the rules evaluated and the rules' state
--    (windows, the networks each person was seen from), so a restart neither loses nor repeats;
--  * alerts: what the rules raised. Its identity is the rule, the chain and the triggering seq,
--    so evaluating the same events twice cannot raise an alert twice;
--  * alert_deliveries: each alert's way out (webhook, e-mail), retried until sent or given up.
-- Cost on upgrade: five empty tables; instant whatever the size of the installation.
SET search_path = ward;

CREATE TABLE alert_rules (
  org_id         text NOT NULL REFERENCES orgs (id),
  rule           text NOT NULL CHECK (rule ~ '^[a-z_]{1,40}$'),
  enabled        boolean NOT NULL,
  threshold      integer NOT NULL CHECK (threshold BETWEEN 1 AND 1000000000),
  window_seconds integer NOT NULL CHECK (window_seconds BETWEEN 1 AND 604800),
  updated_by     text NOT NULL REFERENCES users (id),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, rule)
);

CREATE TABLE alert_settings (
  org_id      text PRIMARY KEY REFERENCES orgs (id),
  -- Minutes after local midnight; start < end. Days: ISO weekday numbers (1 Monday … 7 Sunday).
  work_start  integer CHECK (work_start BETWEEN 0 AND 1439),
  work_end    integer CHECK (work_end BETWEEN 1 AND 1440),
  work_days   smallint[] NOT NULL DEFAULT '{1,2,3,4,5}',
  time_zone   text NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64),
  -- Empty: the org's owners and admins.
  email_to    text[] NOT NULL DEFAULT '{}',
  updated_by  text NOT NULL REFERENCES users (id),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((work_start IS NULL) = (work_end IS NULL) AND (work_start IS NULL OR work_start < work_end))
);

CREATE TABLE alert_chain_state (
  chain_id      text PRIMARY KEY,
  evaluated_seq bigint NOT NULL CHECK (evaluated_seq >= 0),
  state         jsonb NOT NULL DEFAULT '{}',
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alerts (
  id               text PRIMARY KEY CHECK (id ~ '^alr_[a-z0-9]+$'),
  org_id           text NOT NULL REFERENCES orgs (id),
  rule             text NOT NULL,
  chain_id         text NOT NULL,
  seq              bigint NOT NULL,
  event_ids        text[] NOT NULL,
  event_seqs       bigint[] NOT NULL,
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary          text NOT NULL CHECK (length(summary) BETWEEN 1 AND 1000),
  subject          jsonb NOT NULL DEFAULT '{}',
  event_time       timestamptz NOT NULL,
  raised_at        timestamptz NOT NULL DEFAULT now(),
  status           text NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'acknowledged', 'dismissed', 'escalated')),
  status_by        text REFERENCES users (id),
  status_at        timestamptz,
  status_note      text CHECK (length(status_note) <= 1000),
  UNIQUE (rule, chain_id, seq)
);
CREATE INDEX alerts_by_org ON alerts (org_id, raised_at DESC);
CREATE INDEX alerts_open ON alerts (org_id) WHERE status = 'open';

CREATE TABLE alert_deliveries (
  alert_id        text NOT NULL REFERENCES alerts (id),
  channel         text NOT NULL CHECK (channel IN ('webhook', 'email')),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  sent_at         timestamptz,
  PRIMARY KEY (alert_id, channel)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'pending';

-- No GRANT here: the runtime role gets its rights from grantRuntimeRole (src/db/migrate.ts).
