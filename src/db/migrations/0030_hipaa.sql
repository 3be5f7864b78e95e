-- HIPAA enablement: Business Associate Agreements (the owner's signature, the operator's
-- countersignature), HIPAA project deletion with a grace period, and certificates of destruction.
SET search_path = ward;

-- One row per signature by an org's owner. The rendered text is kept exactly as it was signed
-- (its SHA-256 is what both parties signed), so an executed BAA reads the same forever, whatever
-- happens to the template or the org's details later. `signed` waits for the operator's
-- countersignature; `executed` is in force; `superseded` was replaced by a later signature.
CREATE TABLE baas (
  id                    text PRIMARY KEY,
  org_id                text NOT NULL REFERENCES orgs (id),
  template_version      text NOT NULL,
  document              text NOT NULL,
  document_sha256       text NOT NULL CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
  status                text NOT NULL CHECK (status IN ('signed', 'executed', 'superseded')),
  signer_user_id        text NOT NULL REFERENCES users (id),
  signer_email          text NOT NULL,
  signer_name           text NOT NULL,
  signer_title          text NOT NULL,
  signed_at             timestamptz NOT NULL,
  signed_ip             text,
  countersigner_user_id text REFERENCES users (id),
  countersigner_email   text,
  countersigner_name    text,
  countersigner_title   text,
  countersigned_at      timestamptz,
  countersigned_ip      text,
  superseded_at         timestamptz,
  CHECK (status <> 'executed' OR countersigned_at IS NOT NULL)
);
CREATE UNIQUE INDEX baas_org_signed ON baas (org_id) WHERE status = 'signed';
CREATE UNIQUE INDEX baas_org_executed ON baas (org_id) WHERE status = 'executed';
CREATE INDEX baas_status ON baas (status, signed_at);

-- HIPAA project deletion: `pending_deletion` keeps the (stopped) cluster recoverable until
-- purge_after; then Ward destroys it, shreds its keys and issues a certificate of destruction.
ALTER TABLE projects DROP CONSTRAINT projects_status_check;
ALTER TABLE projects ADD CONSTRAINT projects_status_check
  CHECK (status IN ('provisioning', 'running', 'failed', 'pending_deletion', 'deleting', 'deleted'));
ALTER TABLE projects
  ADD COLUMN purge_after             timestamptz,
  ADD COLUMN deletion_requested_at   timestamptz,
  ADD COLUMN deletion_requested_by   text REFERENCES users (id),
  ADD COLUMN audit_export_confirmed  boolean NOT NULL DEFAULT false;
CREATE INDEX projects_purge_due ON projects (purge_after) WHERE status IN ('pending_deletion', 'deleting');

-- Certificates of destruction: the exact canonical JSON that was signed, the Ed25519 signature
-- over it and the signing key's id. Evidence: never changed, never removed.
CREATE TABLE destruction_certificates (
  id         text PRIMARY KEY,
  org_id     text NOT NULL REFERENCES orgs (id),
  project_id text NOT NULL UNIQUE REFERENCES projects (id),
  document   text NOT NULL,
  signature  bytea NOT NULL,
  key_id     text NOT NULL,
  issued_at  timestamptz NOT NULL
);
CREATE INDEX destruction_certificates_org ON destruction_certificates (org_id, issued_at);

CREATE FUNCTION destruction_certificates_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'certificates of destruction are permanent: % is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER destruction_certificates_permanent BEFORE UPDATE OR DELETE ON destruction_certificates
  FOR EACH ROW EXECUTE FUNCTION destruction_certificates_refuse_change();
CREATE TRIGGER destruction_certificates_no_truncate BEFORE TRUNCATE ON destruction_certificates
  FOR EACH STATEMENT EXECUTE FUNCTION destruction_certificates_refuse_change();
