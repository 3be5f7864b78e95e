/**
 * @module pages/accounting/who-read-panel
 * On a project's page (owners, admins, auditors): every access to one individual's rows, and the
 * accounting report as CSV or PDF; below it, which of the org's candidates (a roster CSV with each
 * one's State) a person's statements reached in a window, counted per State. The identifier and
 * the roster stay in this page's memory and in request bodies.
 */
import { Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { downloadReport, useSubjectsReached, useWhoRead } from '../../api/accounting';
import { ErrorAlert } from '../../components/error-alert';
import { useReachFields } from '../../components/reach-fields';

const MATCH = {
  returned: 'returned in a row',
  predicate: 'named in the statement',
  both: 'named and returned',
};

function WhoRead({ projectId }: { projectId: string }) {
  const who = useWhoRead(projectId);
  const [subject, setSubject] = useState('');
  const [since, setSince] = useState('6y');
  const [reportError, setReportError] = useState<unknown>(null);
  const query = () => ({ subject: subject.trim(), since: since.trim() });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    who.mutate(query());
  };
  const report = (format: 'csv' | 'pdf') => {
    setReportError(null);
    downloadReport(projectId, query(), format).catch(setReportError);
  };
  return (
    <Stack gap="xs">
      <Title order={3} size="h5" id="who-read">
        Who read an individual’s rows
      </Title>
      <form onSubmit={submit} aria-labelledby="who-read">
        <Group align="flex-end">
          <TextInput
            label="Identifier"
            description="as a subject key column holds it"
            required
            autoComplete="off"
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
          />
          <TextInput
            label="Since"
            description="6y, 90d, 12h"
            w={100}
            value={since}
            onChange={(e) => setSince(e.currentTarget.value)}
          />
          <Button type="submit" loading={who.isPending}>
            Search
          </Button>
          <Button variant="default" disabled={!subject.trim()} onClick={() => report('pdf')}>
            Report (PDF)
          </Button>
          <Button variant="default" disabled={!subject.trim()} onClick={() => report('csv')}>
            CSV
          </Button>
        </Group>
      </form>
      <ErrorAlert error={who.error ?? reportError} title="The accounting could not be read" />
      {who.data ? (
        who.data.accesses.length === 0 ? (
          <Text size="sm" role="status">
            No access to that individual’s rows since {new Date(who.data.since).toLocaleDateString()}.
          </Text>
        ) : (
          <Table aria-label="Accesses" withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Who</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Statement</Table.Th>
                <Table.Th>How</Table.Th>
                <Table.Th>From</Table.Th>
                <Table.Th>Break-glass</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {who.data.accesses.map((a) => (
                <Table.Tr key={`${a.event_id}`}>
                  <Table.Td>{new Date(a.time).toLocaleString()}</Table.Td>
                  <Table.Td>
                    {a.actor}
                    {a.actor_kind === 'service' ? ' (service account)' : ''}
                  </Table.Td>
                  <Table.Td>{a.role ?? '–'}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {a.statement}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {MATCH[a.match]}
                    {a.bulk_read ? ' · bulk read' : ''}
                  </Table.Td>
                  <Table.Td>{a.client_address ?? '–'}</Table.Td>
                  <Table.Td>{a.break_glass_reason ?? '–'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )
      ) : null}
    </Stack>
  );
}

function Reached({ projectId }: { projectId: string }) {
  const reached = useSubjectsReached(projectId);
  const reach = useReachFields();
  const [rosterError, setRosterError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRosterError(null);
    try {
      reached.mutate(await reach.read());
    } catch (err) {
      setRosterError(err);
    }
  };
  return (
    <Stack gap="xs">
      <Title order={3} size="h5" id="reached">
        Individuals a person reached
      </Title>
      <form onSubmit={submit} aria-labelledby="reached">
        <Group align="flex-end">
          {reach.fields}
          <Button type="submit" loading={reached.isPending}>
            Count
          </Button>
        </Group>
      </form>
      <ErrorAlert error={reached.error ?? rosterError} title="The individuals could not be counted" />
      {reached.data ? (
        <>
          <Text size="sm" role="status">
            {reached.data.reached} of {reached.data.candidates} candidates reached by{' '}
            {reached.data.statements} statements
            {reached.data.uncovered_rows > 0
              ? ` (${reached.data.uncovered_rows} rows returned without a subject key)`
              : ''}
            .
          </Text>
          <Table aria-label="Individuals per State" withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>State</Table.Th>
                <Table.Th>Individuals</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {reached.data.by_state.map((s) => (
                <Table.Tr key={s.state}>
                  <Table.Td>{s.state || '(none)'}</Table.Td>
                  <Table.Td>{s.count}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      ) : null}
    </Stack>
  );
}

export function AccountingPanel({ projectId }: { projectId: string }) {
  return (
    <Stack gap="md">
      <Title order={2} size="h4">
        Accounting of access
      </Title>
      <WhoRead projectId={projectId} />
      <Reached projectId={projectId} />
    </Stack>
  );
}
