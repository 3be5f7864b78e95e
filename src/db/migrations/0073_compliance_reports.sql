-- Signed compliance reports (issue 20): each issuance of an org's auditor package, kept so that
-- its PDF and its signed JSON are the same report (one id, one document) and can be fetched again
-- later. `document` is the RFC 8785 canonical JSON that `signature` (Ed25519, Ward's key `key_id`)
-- covers; the scores are copied out for listings. Reports are permanent, like certificates of
-- destruction: a trigger refuses UPDATE, DELETE and TRUNCATE.
-- Cost on upgrade: one empty table; instant whatever the size of the installation.
SET search_path = ward;

CREATE TABLE compliance_reports (
  id                text PRIMARY KEY,
  org_id            text NOT NULL REFERENCES orgs (id),
  document          text NOT NULL,
  sha256            text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  signature         bytea NOT NULL,
  key_id            text NOT NULL,
  required_score    smallint NOT NULL CHECK (required_score BETWEEN 0 AND 100),
  addressable_score smallint NOT NULL CHECK (addressable_score BETWEEN 0 AND 100),
  required_met      boolean NOT NULL,
  issued_at         timestamptz NOT NULL
);
CREATE INDEX compliance_reports_org ON compliance_reports (org_id, issued_at);

CREATE FUNCTION compliance_reports_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'compliance reports are permanent: % is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER compliance_reports_permanent BEFORE UPDATE OR DELETE ON compliance_reports
  FOR EACH ROW EXECUTE FUNCTION compliance_reports_refuse_change();
CREATE TRIGGER compliance_reports_no_truncate BEFORE TRUNCATE ON compliance_reports
  FOR EACH STATEMENT EXECUTE FUNCTION compliance_reports_refuse_change();
