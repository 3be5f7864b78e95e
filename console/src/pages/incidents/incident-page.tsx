/**
 * @module pages/incidents/incident-page
 * One incident (`/orgs/:org/incidents/:id`): what happened and its status, the clocks (every
 * deadline as a countdown, overdue in red), who knew when, the affected counts, the risk
 * assessment, the cited audit events and their proofs, law-enforcement holds, notices and letters, the evidence packet and the timeline.
 * Owners and admins get the forms; auditors read.
 */
import { Badge, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useParams } from 'react-router';
import { useIncident, useUpdateIncident } from '../../api/incidents';
import { useOrg } from '../../api/orgs';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { OrgHeader, useOrgRef } from '../access/org-header';
import { AffectedFromAccess } from './affected-from-access';
import { AssessmentForm } from './assessment-form';
import { Clocks } from './clocks';
import { EventsSection } from './events-section';
import { AffectedForm, Knowledge } from './facts-forms';
import { Holds } from './hold-form';
import { managesIncidents } from './incidents-page';
import { NoticesSection } from './notices-section';
import { PacketSection, Timeline } from './packet-section';

const STATUSES = ['open', 'assessing', 'notifying', 'closed'];

export function IncidentPage() {
  const ref = useOrgRef();
  const id = useParams().id ?? '';
  const org = useOrg(ref);
  const incident = useIncident(ref, id);
  const update = useUpdateIncident(ref, id);
  const manages = managesIncidents(org.data?.role);
  const i = incident.data;
  return (
    <Stack>
      <OrgHeader title="Incidents" />
      {incident.isPending ? <Loading what="the incident" /> : null}
      <ErrorAlert error={incident.error} title="Could not open the incident" />
      {i ? (
        <>
          <Stack gap={4}>
            <Title order={2} size="h3">
              {i.title}
            </Title>
            <Group gap="xs">
              <Badge color={i.determination.determination === 'breach' ? 'red' : 'green'}>
                {i.determination.determination === 'breach' ? 'breach' : 'not a breach'}
              </Badge>
              <Text size="sm">
                Occurred {i.occurred_from ?? 'on an unknown date'}
                {i.occurred_to ? ` to ${i.occurred_to}` : ''} · reported by {i.reported_by} · owner{' '}
                {i.owner?.email ?? 'none'}
              </Text>
            </Group>
            <Text size="sm">{i.summary}</Text>
            <Select
              label="Status"
              w={200}
              data={STATUSES}
              value={i.status}
              disabled={!manages}
              allowDeselect={false}
              onChange={(v) => v && update.mutate({ status: v as 'open' })}
            />
            <ErrorAlert error={update.error} title="The status did not change" />
          </Stack>
          <Clocks incident={i} />
          <Knowledge org={ref} incident={i} manages={manages} />
          {manages ? <AffectedForm key={i.updated_at} org={ref} incident={i} /> : null}
          {manages ? <AffectedFromAccess org={ref} incident={i} /> : null}
          <AssessmentForm key={`a-${i.updated_at}`} org={ref} incident={i} manages={manages} />
          <EventsSection org={ref} incident={i} manages={manages} />
          <Holds org={ref} incident={i} manages={manages} />
          <NoticesSection org={ref} incident={i} manages={manages} />
          <PacketSection org={ref} incident={i} manages={manages} />
          <Timeline incident={i} />
        </>
      ) : null}
    </Stack>
  );
}
