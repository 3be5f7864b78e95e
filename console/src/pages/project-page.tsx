/**
 * @module pages/project-page
 * One project (`/projects/:id`): what it is, its status (polled every second while it changes,
 * announced to screen readers), why it failed, its cluster, how it takes connections, and deletion;
 * for owners, admins and auditors its subject keys and the accounting of access.
 */
import { Alert, Anchor, Badge, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useOrg } from '../api/orgs';
import { useProject, useRegions } from '../api/projects';
import type { Project } from '../api/types';
import { ErrorAlert } from '../components/error-alert';
import { Loading } from '../components/loading';
import { StatusBadge } from '../components/status-badge';
import { usePageTitle } from '../lib/use-page-title';
import { ProjectAccess } from './access/project-access';
import { SubjectKeysPanel } from './accounting/subject-keys-panel';
import { AccountingPanel } from './accounting/who-read-panel';
import { BackupsPanel } from './backups/backups-panel';
import { connectionsLabel } from './connections-setting';
import { DatabasePanel } from './database-panel';
import { DeleteProjectButton } from './delete-project-button';
import { PendingDeletionAlert } from './pending-deletion-alert';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={200}>
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function ClusterRows({ project }: { project: Project }) {
  const c = project.cluster;
  if (!c) return <Row label="Cluster">{project.status === 'running' ? 'not supervised' : 'none yet'}</Row>;
  return (
    <>
      <Row label="Cluster state">{c.state}</Row>
      <Row label="Restarts">{c.restarts}</Row>
      {c.last_error ? <Row label="Last cluster error">{c.last_error}</Row> : null}
    </>
  );
}

export function ProjectPage() {
  const id = useParams().id ?? '';
  const project = useProject(id);
  const org = useOrg(project.data?.org_id);
  const regions = useRegions();
  usePageTitle(project.data?.name ?? id);

  if (project.isPending) return <Loading what="the project" />;
  if (project.error && !project.data) {
    return <ErrorAlert error={project.error} title="Could not open the project" />;
  }
  const p = project.data;
  const orgName = org.data?.name ?? p.org_id;
  const orgPath = `/orgs/${encodeURIComponent(orgName)}`;
  const region = regions.data?.find((r) => r.id === p.region_id);
  const role = org.data?.role;
  const canManage = role === 'owner' || role === 'admin';
  // Subject keys and the accounting of access: owners, admins and auditors (docs/permissions.md).
  const oversight = canManage || role === 'auditor';

  return (
    <Stack>
      <Anchor component={Link} to={orgPath} size="sm">
        ← {orgName}
      </Anchor>
      <Group justify="space-between" align="center">
        <Group gap="sm" align="center">
          <Title order={1} size="h2">
            {p.name}
          </Title>
          <StatusBadge status={p.status} live />
        </Group>
        <DeleteProjectButton project={p} orgPath={orgPath} />
      </Group>
      <ErrorAlert error={project.error} title="Could not refresh the project" />
      <PendingDeletionAlert project={p} />
      {p.status === 'failed' && p.status_reason ? (
        <Alert color="red" variant="light" title="The project failed">
          {p.status_reason}
        </Alert>
      ) : null}
      {p.status === 'suspended' && p.status_reason ? (
        <Alert color="orange" variant="light" title="The project is stopped">
          {p.status_reason}
        </Alert>
      ) : null}
      {p.status === 'provisioning' ? (
        <Text size="sm" c="dimmed">
          Ward is creating the PostgreSQL cluster; this page updates by itself.
        </Text>
      ) : null}
      <Table aria-label="Project details" withTableBorder>
        <Table.Tbody>
          <Row label="Name">{p.name}</Row>
          <Row label="ID">
            <Code>{p.id}</Code>
          </Row>
          <Row label="Region">{region ? `${region.name} · ${region.id}` : p.region_id}</Row>
          {region ? (
            <Row label="Region storage">
              <Text size="sm" c={region.storage_encryption_status.state === 'none' ? 'red' : undefined}>
                {region.storage_encryption_status.state === 'none' ? 'Not encrypted: ' : ''}
                {region.storage_encryption_status.state} (declared {region.storage_encryption}):{' '}
                {region.storage_encryption_status.detail}
              </Text>
            </Row>
          ) : null}
          {p.encryption ? (
            <Row label="Encryption at rest">
              <Group gap="xs" wrap="nowrap" align="baseline">
                <Badge color={p.encryption.kind === 'fscrypt' ? 'teal' : 'red'} variant="light">
                  {p.encryption.kind === 'fscrypt' ? 'fscrypt' : 'not encrypted'}
                </Badge>
                <Text size="sm">{p.encryption.detail}</Text>
              </Group>
            </Row>
          ) : null}
          <Row label="Audit log level">{p.settings.audit_log_level}</Row>
          <Row label="Connections">{connectionsLabel(p)}</Row>
          <ClusterRows project={p} />
          <Row label="Created">{new Date(p.created_at).toLocaleString()}</Row>
        </Table.Tbody>
      </Table>
      <DatabasePanel project={p} canManage={canManage} />
      <BackupsPanel project={p} />
      <ProjectAccess projectId={p.id} />
      {oversight ? <SubjectKeysPanel projectId={p.id} canManage={canManage} /> : null}
      {oversight ? <AccountingPanel projectId={p.id} /> : null}
    </Stack>
  );
}
