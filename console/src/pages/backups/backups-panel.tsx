/**
 * @module pages/backups/backups-panel
 * On a project's page: its backups (encrypted, with their WAL range), the last restore drill
 * (green or red), a backup taken now with its progress, and the restore form.
 */
import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { type BackupList, useBackups, useOperation, useStartBackup } from '../../api/backups';
import type { Project } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { formatBytes } from '../../lib/bytes';
import { OperationProgress } from './operation-progress';
import { RestoreForm } from './restore-form';

const DRILL_COLOR = { green: 'green', red: 'red', none: 'gray', running: 'blue' } as const;

function BackupsTable({ list }: { list: BackupList }) {
  if (list.backups.length === 0) return <Text size="sm">No backup yet.</Text>;
  return (
    <Table aria-label="Backups">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Backup</Table.Th>
          <Table.Th>Type</Table.Th>
          <Table.Th>Size</Table.Th>
          <Table.Th>Started</Table.Th>
          <Table.Th>Stopped</Table.Th>
          <Table.Th>WAL</Table.Th>
          <Table.Th>Encryption</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {list.backups.map((b) => (
          <Table.Tr key={b.id}>
            <Table.Td>{b.id}</Table.Td>
            <Table.Td>{b.type}</Table.Td>
            <Table.Td>{formatBytes(b.size_bytes)}</Table.Td>
            <Table.Td>{new Date(b.started_at).toLocaleString()}</Table.Td>
            <Table.Td>{new Date(b.stopped_at).toLocaleString()}</Table.Td>
            <Table.Td>{b.wal_start ? `${b.wal_start} – ${b.wal_stop}` : '-'}</Table.Td>
            <Table.Td>
              <Badge color={b.encrypted ? 'green' : 'red'} variant="light">
                {b.encrypted ? `encrypted (${b.cipher})` : 'not encrypted'}
              </Badge>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function BackupsPanel({ project }: { project: Project }) {
  const backups = useBackups(project.id);
  const start = useStartBackup(project.id);
  const op = useOperation(start.data?.id, project.id).data;
  const list = backups.data;
  return (
    <Stack gap="sm" component="section" aria-labelledby="backups-heading">
      <Title order={2} size="h4" id="backups-heading">
        Backups
      </Title>
      <ErrorAlert error={backups.error} title="Could not read the backups" />
      {!list ? (
        backups.isPending ? (
          <Loading what="backups" />
        ) : null
      ) : (
        <>
          <Group>
            <Text size="sm">
              Daily at {list.policy.daily_at} UTC, kept {list.policy.retention_days} days.
            </Text>
            <Text size="sm" aria-label="Repository">
              Repository: {list.repository.location}
            </Text>
            <Badge color={DRILL_COLOR[list.drill.status]} variant="light" aria-label="Restore drill">
              restore drill: {list.drill.status}
            </Badge>
            {list.drill.at ? <Text size="sm">{new Date(list.drill.at).toLocaleString()}</Text> : null}
          </Group>
          {list.drill.error ? (
            <Text size="sm" c="red">
              {list.drill.error}
            </Text>
          ) : null}
          <BackupsTable list={list} />
          <Group>
            <Button
              onClick={() => start.mutate()}
              loading={start.isPending}
              disabled={project.status !== 'running'}
            >
              Back up now
            </Button>
          </Group>
          <ErrorAlert error={start.error} title="The backup was not started" />
          {op ? <OperationProgress op={op} /> : null}
          <RestoreForm source={project} list={list} />
        </>
      )}
    </Stack>
  );
}
