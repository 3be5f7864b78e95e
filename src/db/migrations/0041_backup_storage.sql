SET search_path = ward;

-- Where each project's backup repository lives (issue 7): 'local' for Ward's disk, or the S3
-- bucket and prefix as 's3://bucket/prefix at endpoint' (never a credential). A repository stays
-- where it was made; when the setting names another place, Ward stops with an error naming this
-- one instead of starting an empty repository elsewhere.
ALTER TABLE backup_repositories ADD COLUMN storage text NOT NULL DEFAULT 'local';
ALTER TABLE backup_repositories ALTER COLUMN storage DROP DEFAULT;
