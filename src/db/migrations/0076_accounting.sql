-- Accounting of access (issue 22, ADR 0038). `subject_keys`: the columns of a project's database
-- that identify an individual, as its owner declared them, resolved against the project's
-- catalog to the table's OID and the column's attribute number (what a RowDescription names),
-- its type (how a binary value is read) and its position among the table's columns (what a COPY
-- of the whole table sends). `case_rule` says how a value is normalized before it is hashed.
--
-- `subject_index`: which batches of statement events (audit_batches) hold a statement that
-- reached a subject, by token. The writer inserts a batch's rows in the same statement as the
-- batch, so the index is exactly as durable as the events; a token is the first 128 bits of an
-- HMAC-SHA-256 under the org's subject key, never the identifier. One row per distinct token per
-- batch and project. Rows are never changed: a trigger refuses UPDATE, and Ward's runtime role
-- holds only INSERT and SELECT on it (db/migrate.ts APPEND_ONLY_TABLES), like the audit log.
-- Cost on upgrade: two empty tables; instant whatever the size of the installation.
SET search_path = ward;

CREATE TABLE subject_keys (
  id          text PRIMARY KEY,
  org_id      text NOT NULL REFERENCES orgs (id),
  project_id  text NOT NULL REFERENCES projects (id),
  schema_name text NOT NULL,
  table_name  text NOT NULL,
  column_name text NOT NULL,
  case_rule   text NOT NULL CHECK (case_rule IN ('exact', 'fold')),
  table_oid   bigint NOT NULL,
  attnum      integer NOT NULL,
  type_oid    bigint NOT NULL,
  copy_index  integer NOT NULL,
  -- A view column that shows a declared column under the view's own OID (what its
  -- RowDescription names): the declared key it comes from. Removed with it.
  derived_from text REFERENCES subject_keys (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text REFERENCES users (id),
  UNIQUE (project_id, schema_name, table_name, column_name)
);
CREATE INDEX subject_keys_org ON subject_keys (org_id);

CREATE TABLE subject_index (
  chain_id   text NOT NULL,
  token      bytea NOT NULL CHECK (octet_length(token) = 16),
  project_id text NOT NULL,
  first_seq  bigint NOT NULL,
  time_from  timestamptz NOT NULL
);
CREATE INDEX subject_index_lookup ON subject_index (chain_id, token, time_from);

CREATE FUNCTION subject_index_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the subject index is append-only: % is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER subject_index_append_only BEFORE UPDATE ON subject_index
  FOR EACH ROW EXECUTE FUNCTION subject_index_refuse_change();
