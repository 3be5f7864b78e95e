/**
 * @module pages/compliance/notices-section
 * What the org was told about changes to this Ward's subprocessors (a new one, changed details, a
 * removal) and when each takes effect, newest first. The org's alert webhook got the same notice.
 */
import { Badge, Stack, Table, Text, Title } from '@mantine/core';
import { type Notice, useNotices } from '../../api/publicity';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';

const CHANGES: Record<Notice['change'], { label: string; color: string }> = {
  added: { label: 'New', color: 'blue' },
  changed: { label: 'Changed', color: 'yellow' },
  removed: { label: 'Removed', color: 'gray' },
};

export function NoticesSection({ orgRef }: { orgRef: string }) {
  const notices = useNotices(orgRef);
  if (notices.isPending) return <Loading what="notices" />;
  if (notices.error) return <ErrorAlert error={notices.error} title="Could not read the notices" />;
  const now = Date.now();
  return (
    <Stack gap="sm" component="section" aria-labelledby="notices-title">
      <Title order={2} size="h4" id="notices-title">
        Subprocessor notices
      </Title>
      {notices.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          None: the operator announces every change to its subprocessors here before it takes effect.
        </Text>
      ) : (
        <Table aria-label="Subprocessor notices" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Sent</Table.Th>
              <Table.Th>Change</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>Takes effect</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {notices.data.map((n) => (
              <Table.Tr key={n.id}>
                <Table.Td>{new Date(n.created_at).toLocaleDateString()}</Table.Td>
                <Table.Td>
                  <Badge color={CHANGES[n.change].color} variant="light">
                    {CHANGES[n.change].label}
                  </Badge>
                </Table.Td>
                <Table.Td>{n.summary}</Table.Td>
                <Table.Td>
                  {new Date(n.effective_at).toLocaleDateString()}
                  {Date.parse(n.effective_at) > now ? ' (upcoming)' : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
