/**
 * @module pages/incidents/packet-section
 * The evidence packet (164.414): issue one (the record, the assessment, every notice with when and
 * how it was sent, the holds' documents by hash, the cited audit events with their inclusion
 * proofs, signed with Ward's key) and download it as a PDF or as signed JSON, which
 * `ward incident verify-packet` checks offline. Below it, the incident's timeline.
 */

import { Button, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { downloadPacket, type Incident, useIssuePacket } from '../../api/incidents';
import { ErrorAlert } from '../../components/error-alert';
import { SignedDownloads } from '../../components/signed-downloads';

export function PacketSection({
  org,
  incident,
  manages,
}: {
  org: string;
  incident: Incident;
  manages: boolean;
}) {
  const issue = useIssuePacket(org, incident.id);
  const save = useMutation({
    mutationFn: (p: { id: string; as: 'pdf' | 'json' }) => downloadPacket(org, incident.id, p.id, p.as),
  });
  return (
    <Stack gap="xs" component="section" aria-labelledby="packet-title">
      <Title order={2} size="h4" id="packet-title">
        Evidence packet
      </Title>
      <Text size="sm" c="dimmed">
        Check the JSON offline with <Code>ward incident verify-packet packet.json --public-key ward.pem</Code>
        .
      </Text>
      {manages ? (
        <Group>
          <Button onClick={() => issue.mutate()} loading={issue.isPending}>
            Issue an evidence packet
          </Button>
        </Group>
      ) : null}
      <ErrorAlert error={issue.error} title="The packet was not issued" />
      <ErrorAlert error={save.error} title="The download did not start" />
      {incident.packets.length ? (
        <Table aria-label="Evidence packets">
          <Table.Tbody>
            {incident.packets.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  {new Date(p.issued_at).toLocaleString()} <Code>{p.id}</Code>
                </Table.Td>
                <Table.Td>
                  <SignedDownloads id={p.id} onSave={(as) => save.mutate({ id: p.id, as })} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}

export function Timeline({ incident }: { incident: Incident }) {
  return (
    <Stack gap="xs" component="section" aria-labelledby="timeline-title">
      <Title order={2} size="h4" id="timeline-title">
        Timeline
      </Title>
      <Table aria-label="Timeline">
        <Table.Tbody>
          {incident.timeline.map((t) => (
            <Table.Tr key={`${t.at}-${t.action}-${t.summary}`}>
              <Table.Td>{new Date(t.at).toLocaleString()}</Table.Td>
              <Table.Td>{t.actor}</Table.Td>
              <Table.Td>{t.summary}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
