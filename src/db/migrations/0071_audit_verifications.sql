-- When each audit chain was last verified, and what the verification found (issue 20: the
-- compliance center's audit controls ask for a chain verified within the last 24 hours, and Ward
-- kept no record of verifying). One row per chain, replaced by every verification: a person's
-- (`ward audit verify`, the API) or Ward's own, which verifies every chain not verified for 12 hours.
-- Never a secret: counts, the first damaged seq and the verifier's sentence about it.
-- Cost on upgrade: one empty table; instant whatever the size of the installation.
SET search_path = ward;

CREATE TABLE audit_verifications (
  chain_id      text PRIMARY KEY,
  verified_at   timestamptz NOT NULL,
  ok            boolean NOT NULL,
  events        bigint NOT NULL CHECK (events >= 0),
  first_bad_seq bigint,
  damage        text CHECK (length(damage) <= 100),
  detail        text CHECK (length(detail) <= 2000)
);
