/**
 * @module pages/incidents/clocks
 * The incident's clocks: every obligation of the Breach Notification Rule with its recipient,
 * deadline (moved by a law-enforcement hold, which the row says), a countdown, and the reason.
 */
import { Stack, Table, Text, Title } from '@mantine/core';
import type { Incident } from '../../api/incidents';
import { Countdown } from './countdown';

export function Clocks({ incident }: { incident: Incident }) {
  const o = incident.obligations;
  return (
    <Stack gap="xs" component="section" aria-labelledby="clocks-title">
      <Title order={2} size="h4" id="clocks-title">
        Deadlines
      </Title>
      <Text size="sm">
        Discovered: <b>{incident.discovery.discovered_on ?? 'not yet'}</b> ({incident.discovery.reason}).{' '}
        {incident.hold.until ? `Notices held through ${incident.hold.until}: ${incident.hold.reason}.` : null}
      </Text>
      {o.length === 0 ? (
        <Text size="sm">No notices are owed: {incident.determination.reason}.</Text>
      ) : (
        <Table aria-label="Deadlines" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Notice</Table.Th>
              <Table.Th>Deadline</Table.Th>
              <Table.Th>Clock</Table.Th>
              <Table.Th>Why</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {o.map((x) => (
              <Table.Tr key={x.id} data-obligation={x.id}>
                <Table.Td>
                  {x.recipient}{' '}
                  <Text span size="xs" c="dimmed">
                    ({x.citation})
                  </Text>
                </Table.Td>
                <Table.Td>{x.deadline ?? '-'}</Table.Td>
                <Table.Td>
                  {x.days_left !== null ? <Countdown days={x.days_left} met={x.met} /> : '-'}
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{x.reason}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
