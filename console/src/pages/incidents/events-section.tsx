/**
 * @module pages/incidents/events-section
 * The audit events an incident cites: each with its inclusion proof against a signed checkpoint
 * of the org's chain, downloadable and checked offline by `ward audit check-proof`; owners and
 * admins cite more by id (from the Audit log tab).
 */
import { Button, Code, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { downloadProof, type Incident, useLinkEvents } from '../../api/incidents';
import { ErrorAlert } from '../../components/error-alert';

export function EventsSection({
  org,
  incident,
  manages,
}: {
  org: string;
  incident: Incident;
  manages: boolean;
}) {
  const link = useLinkEvents(org, incident.id);
  const proof = useMutation({ mutationFn: (event: string) => downloadProof(org, incident.id, event) });
  const [event, setEvent] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    link.mutate({ audit_events: [event.trim()] }, { onSuccess: () => setEvent('') });
  };
  return (
    <Stack gap="xs" component="section" aria-labelledby="events-title">
      <Title order={2} size="h4" id="events-title">
        Cited audit events
      </Title>
      {incident.audit_events.length === 0 ? (
        <Text size="sm">None cited.</Text>
      ) : (
        <Table aria-label="Cited audit events">
          <Table.Tbody>
            {incident.audit_events.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>
                  <Code>{e.id}</Code>
                </Table.Td>
                <Table.Td>
                  <Button
                    size="compact-sm"
                    variant="light"
                    aria-label={`Inclusion proof of ${e.id}`}
                    onClick={() => proof.mutate(e.id)}
                  >
                    Inclusion proof
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ErrorAlert error={proof.error} title="The proof did not download" />
      {manages ? (
        <form onSubmit={submit} aria-label="Cite an audit event">
          <Group align="flex-end">
            <TextInput
              label="Audit event id"
              placeholder="evt_…"
              required
              value={event}
              onChange={(e) => setEvent(e.currentTarget.value)}
            />
            <Button type="submit" loading={link.isPending}>
              Cite
            </Button>
          </Group>
          <ErrorAlert error={link.error} title="Not cited" />
        </form>
      ) : null}
    </Stack>
  );
}
