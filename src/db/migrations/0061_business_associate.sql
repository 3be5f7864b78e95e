-- The business associate every BAA names (the organization that runs this Ward) and that issues
-- certificates of destruction, set by the operator at runtime (API, CLI, console) instead of only
-- in ward.yaml. One row at most: while there is none, ward.yaml's `business_associate` (if any)
-- is used; once the operator sets it, this row wins. Every change is an audit event
-- (`business.associate.update`, operator chain) with the previous values.
-- Cost on upgrade: one empty table; instant whatever the size of the installation.
SET search_path = ward;

CREATE TABLE business_associate (
  -- Always true: the table holds the one business associate of this installation.
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  legal_name  text NOT NULL CHECK (length(legal_name) BETWEEN 1 AND 200),
  address     text NOT NULL CHECK (length(address) BETWEEN 1 AND 500),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text REFERENCES users (id)
);

-- No GRANT here: like every table, the runtime role (ward_app, or the role an external control
-- database names) gets its rights from grantRuntimeRole (src/db/migrate.ts) after migrations, on
-- each start. Ward only reads, inserts and updates this row.
