-- Opt-in publicity and the subprocessor list (issue 20):
--  * compliance_publicity: per org, whether its HIPAA badge (SVG) and its trust page are served
--    without sign-in; an org without a row has both off;
--  * subprocessors and subprocessor_versions: the operator's list. Every change is announced
--    ahead and takes effect at its effective_at, so a subprocessor's details are versions: the
--    newest version whose effective_at has come is in effect, a later one is upcoming. A removal
--    is announced (removal_announced_at) and takes effect at removal_effective_at;
--  * compliance_notices: what each HIPAA org was told about a change to the list and when it
--    takes effect, for its owners in the console (its alert webhook is told as well).
-- Cost on upgrade: four empty tables; instant whatever the size of the installation.
SET search_path = ward;

CREATE TABLE compliance_publicity (
  org_id     text PRIMARY KEY REFERENCES orgs (id),
  badge      boolean NOT NULL DEFAULT false,
  trust_page boolean NOT NULL DEFAULT false,
  updated_by text NOT NULL REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE subprocessors (
  id                   text PRIMARY KEY CHECK (id ~ '^sub_[a-z2-7]+$'),
  created_at           timestamptz NOT NULL DEFAULT now(),
  removal_announced_at timestamptz,
  removal_effective_at timestamptz,
  CHECK ((removal_announced_at IS NULL) = (removal_effective_at IS NULL))
);

CREATE TABLE subprocessor_versions (
  subprocessor_id text NOT NULL REFERENCES subprocessors (id),
  effective_at    timestamptz NOT NULL,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  purpose         text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 500),
  location        text NOT NULL CHECK (length(location) BETWEEN 1 AND 200),
  -- Whether it may create, receive, maintain or transmit PHI.
  phi             boolean NOT NULL,
  announced_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subprocessor_id, effective_at)
);

CREATE TABLE compliance_notices (
  id              text PRIMARY KEY,
  org_id          text NOT NULL REFERENCES orgs (id),
  subprocessor_id text NOT NULL REFERENCES subprocessors (id),
  change          text NOT NULL CHECK (change IN ('added', 'changed', 'removed')),
  summary         text NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
  effective_at    timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX compliance_notices_by_org ON compliance_notices (org_id, created_at);
