/**
 * @module pages/incidents/incidents-page
 * The organization's Incidents tab (`/orgs/:org/incidents`): every incident with its status,
 * determination and the next deadline as a countdown; owners and admins record a new one.
 * Owners, admins and auditors may read it.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useCreateIncident, useIncidents } from '../../api/incidents';
import { useOrg } from '../../api/orgs';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { OrgHeader, useOrgRef } from '../access/org-header';
import { Countdown } from './countdown';

export const readsIncidents = (role: string | null | undefined) =>
  role === 'owner' || role === 'admin' || role === 'auditor';
export const managesIncidents = (role: string | null | undefined) => role === 'owner' || role === 'admin';

function CreateIncident({ org }: { org: string }) {
  const create = useCreateIncident(org);
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [reportedBy, setReportedBy] = useState('');
  const [occurred, setOccurred] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { title, summary, reported_by: reportedBy, ...(occurred ? { occurred_from: occurred } : {}) },
      { onSuccess: (i) => navigate(`/orgs/${encodeURIComponent(org)}/incidents/${i.id}`) },
    );
  };
  return (
    <form onSubmit={submit} aria-label="Record an incident">
      <Stack gap="sm" maw={640}>
        <Title order={2} size="h4">
          Record an incident
        </Title>
        <TextInput
          label="Title"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
        />
        <Textarea
          label="What happened"
          description="No PHI: describe the event, not the people"
          autosize
          minRows={2}
          maxLength={8000}
          value={summary}
          onChange={(e) => setSummary(e.currentTarget.value)}
        />
        <TextInput
          label="Reported by"
          required
          maxLength={200}
          value={reportedBy}
          onChange={(e) => setReportedBy(e.currentTarget.value)}
        />
        <TextInput
          label="Occurred on"
          description="YYYY-MM-DD; leave empty when unknown"
          type="date"
          value={occurred}
          onChange={(e) => setOccurred(e.currentTarget.value)}
        />
        <ErrorAlert error={create.error} title="The incident was not recorded" />
        <Button type="submit" loading={create.isPending} style={{ alignSelf: 'flex-start' }}>
          Record the incident
        </Button>
      </Stack>
    </form>
  );
}

export function IncidentsPage() {
  const ref = useOrgRef();
  const org = useOrg(ref);
  const role = org.data?.role;
  const reads = org.data !== undefined && readsIncidents(role);
  const list = useIncidents(ref, reads);
  return (
    <Stack>
      <OrgHeader title="Incidents" />
      <ErrorAlert error={org.error} title="Could not open the organization" />
      {org.data && !reads ? (
        <Alert color="gray" variant="light" title="Not for your role">
          Incidents are for the organization's owners, admins and auditors.
        </Alert>
      ) : null}
      {reads && list.isPending ? <Loading what="incidents" /> : null}
      <ErrorAlert error={list.error} title="Could not list incidents" />
      {list.data ? (
        list.data.length === 0 ? (
          <Text size="sm">No incidents recorded.</Text>
        ) : (
          <Table aria-label="Incidents" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Incident</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Determination</Table.Th>
                <Table.Th>Discovered</Table.Th>
                <Table.Th>Next deadline</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/orgs/${encodeURIComponent(ref)}/incidents/${i.id}`}>
                      {i.title}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{i.status}</Table.Td>
                  <Table.Td>
                    <Badge color={i.determination === 'breach' ? 'red' : 'green'} variant="light">
                      {i.determination === 'breach' ? 'breach' : 'not a breach'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{i.discovered_on ?? 'not yet'}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      {i.next_deadline ?? '-'}
                      {i.days_left !== null ? <Countdown days={i.days_left} /> : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )
      ) : null}
      {managesIncidents(role) ? <CreateIncident org={ref} /> : null}
    </Stack>
  );
}
