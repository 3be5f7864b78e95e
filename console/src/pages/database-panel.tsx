/**
 * @module pages/database-panel
 * On a project's page: how to connect through the gateway (a short-lived password, shown once,
 * with the psql command), whether plaintext connections are taken (connections-setting.tsx), and
 * how statement events reach the audit log. HIPAA projects are always synchronous; standard ones
 * may trade a measured crash window for lower latency.
 */
import { Alert, Button, Code, Group, Radio, Stack, Table, Text, Title } from '@mantine/core';
import { useDbCredentials, useSetAuditDelivery } from '../api/db';
import type { AuditDelivery, Project } from '../api/types';
import { ErrorAlert } from '../components/error-alert';
import { ConnectionsSetting } from './connections-setting';

function Credentials({ project }: { project: Project }) {
  const issue = useDbCredentials(project.id);
  const c = issue.data;
  return (
    <Stack gap="xs">
      <Group>
        <Button
          onClick={() => issue.mutate()}
          loading={issue.isPending}
          disabled={project.status !== 'running'}
        >
          Get database credentials
        </Button>
        <Text size="sm" c="dimmed">
          A password for 15 minutes; sessions you start with it follow your organization's limits.
        </Text>
      </Group>
      <ErrorAlert error={issue.error} title="Could not issue credentials" />
      {c ? (
        <Alert color="blue" variant="light" title="Database credentials" role="status">
          <Table aria-label="Database credentials" withRowBorders={false}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th scope="row">User</Table.Th>
                <Table.Td>
                  <Code>{c.user}</Code>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">Password</Table.Th>
                <Table.Td>
                  <Code>{c.password}</Code>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">Expires</Table.Th>
                <Table.Td>{new Date(c.expires_at).toLocaleString()}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">Role</Table.Th>
                <Table.Td>
                  {c.project_role} (database role <Code>{c.db_role}</Code>)
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">URI</Table.Th>
                <Table.Td>
                  <Code>{c.uri}</Code>
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Text size="sm">Connect with psql:</Text>
          <Code block>{`PGPASSWORD='${c.password}' psql "${c.uri}"`}</Code>
        </Alert>
      ) : null}
    </Stack>
  );
}

function Delivery({ project }: { project: Project }) {
  const set = useSetAuditDelivery(project.id);
  const hipaa = project.settings.audit_log_level === 'hipaa';
  return (
    <Stack gap="xs">
      <Radio.Group
        label="Audit delivery"
        description={
          hipaa
            ? 'HIPAA projects are always synchronous: no result leaves before its statement is in the audit log.'
            : 'Synchronous: no result leaves before its statement is in the audit log. Asynchronous: results are not held; events are never dropped, but a crash can lose the last few milliseconds of them.'
        }
        value={project.settings.audit_delivery}
        onChange={(v) => set.mutate(v as AuditDelivery)}
      >
        <Group mt="xs">
          <Radio value="sync" label="Synchronous" disabled={set.isPending} />
          <Radio value="async" label="Asynchronous" disabled={hipaa || set.isPending} />
        </Group>
      </Radio.Group>
      {set.isSuccess ? (
        <Text size="sm" role="status">
          Audit delivery is now {set.data.settings.audit_delivery === 'sync' ? 'synchronous' : 'asynchronous'}
          ; new sessions use it.
        </Text>
      ) : null}
      <ErrorAlert error={set.error} title="Could not change audit delivery" />
    </Stack>
  );
}

/** `canManage`: the person may change the project's settings (owner, admin). */
export function DatabasePanel({ project, canManage }: { project: Project; canManage: boolean }) {
  return (
    <Stack gap="sm" component="section" aria-labelledby="database-heading">
      <Title order={2} size="h4" id="database-heading">
        Database
      </Title>
      <Credentials project={project} />
      <ConnectionsSetting project={project} canManage={canManage} />
      <Delivery project={project} />
    </Stack>
  );
}
