SET search_path = ward;

-- Backups (issue 7): one pgBackRest repository and stanza per project, encrypted with a
-- passphrase per project that is sealed under the project's key (keys module); the catalog of
-- backups Ward has seen in each repository; each org's schedule and retention; and operations,
-- the long work (backup, restore, verify, restore drill) that jobs carry out and the API shows.

CREATE TABLE backup_repositories (
  project_id         text PRIMARY KEY REFERENCES projects (id),
  org_id             text NOT NULL REFERENCES orgs (id),
  -- The repository passphrase, sealed with the project's key. NULL once the repository is gone.
  cipher_pass_sealed bytea,
  stanza_created_at  timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  deleted_at         timestamptz
);

CREATE TABLE backups (
  project_id       text NOT NULL REFERENCES projects (id),
  label            text NOT NULL,
  type             text NOT NULL CHECK (type IN ('full', 'diff', 'incr')),
  prior            text,
  started_at       timestamptz NOT NULL,
  stopped_at       timestamptz NOT NULL,
  wal_start        text,
  wal_stop         text,
  lsn_start        text,
  lsn_stop         text,
  size_bytes       bigint NOT NULL,
  repository_bytes bigint NOT NULL,
  cipher           text NOT NULL,
  PRIMARY KEY (project_id, label)
);

CREATE TABLE backup_policies (
  org_id         text PRIMARY KEY REFERENCES orgs (id),
  daily_at       text NOT NULL DEFAULT '03:00' CHECK (daily_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  retention_days integer NOT NULL DEFAULT 7 CHECK (retention_days BETWEEN 7 AND 35),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  updated_by     text REFERENCES users (id)
);

CREATE TABLE operations (
  id                text PRIMARY KEY,
  org_id            text NOT NULL REFERENCES orgs (id),
  -- The project worked on (for a restore: the source).
  project_id        text NOT NULL REFERENCES projects (id),
  -- A restore's new project.
  target_project_id text REFERENCES projects (id),
  kind              text NOT NULL CHECK (kind IN ('backup', 'restore', 'verify', 'drill')),
  trigger           text NOT NULL CHECK (trigger IN ('manual', 'schedule')),
  status            text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  phase             text NOT NULL,
  percent           real NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
  error             text,
  params            jsonb NOT NULL DEFAULT '{}',
  result            jsonb,
  attempts          integer NOT NULL DEFAULT 0,
  created_by        text REFERENCES users (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  finished_at       timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operations_project ON operations (project_id, kind, created_at DESC);
CREATE INDEX operations_open ON operations (status) WHERE status IN ('queued', 'running');

-- A project made from a backup is `restoring` until its cluster has recovered and runs; the
-- provisioner leaves such projects to the restore job that owns them.
ALTER TABLE projects DROP CONSTRAINT projects_status_check;
ALTER TABLE projects ADD CONSTRAINT projects_status_check
  CHECK (status IN ('provisioning', 'restoring', 'running', 'failed', 'pending_deletion', 'deleting', 'deleted'));
