-- Plaintext database connections (issue 23, item 8). The gateway now requires TLS for every
-- project; a standard project may opt in to plaintext connections from a loopback address only
-- (127.0.0.0/8, ::1), set by an owner or admin (`ward project set <project> --plaintext allowed`)
-- and audited as `project.plaintext.set`. HIPAA projects never allow it (the CHECK below), and a
-- restore makes a new project, which starts TLS-only whatever its source allowed.
-- Existing projects become TLS-only at upgrade: a client that connected with sslmode=disable (or
-- prefer against a server it could not verify) is refused until it uses TLS or an owner opts in.
-- Cost on upgrade: ADD COLUMN with a constant default only changes the catalog (no rewrite); the
-- CHECK reads the projects table once (one row per project) under a brief exclusive lock; instant
-- whatever the size of the installation.
SET search_path = ward;

ALTER TABLE projects ADD COLUMN allow_plaintext boolean NOT NULL DEFAULT false;
ALTER TABLE projects ADD CONSTRAINT projects_hipaa_tls
  CHECK (audit_log_level <> 'hipaa' OR NOT allow_plaintext);
