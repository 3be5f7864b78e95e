/**
 * @module pages/alerts/alerts-page
 * The org's notifications: what the alert rules raised, newest first, filtered by status; owners
 * and admins acknowledge it, turn it into an incident (escalate: the incident page opens) or dismiss
 * it with a reason. An escalated alert links to its incident. Below, the rules and the
 * working hours (alert-rules-section).
 */
import { Badge, Button, Group, SegmentedControl, Stack, Table, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import {
  type Alert,
  type AlertStatus,
  managesAlerts,
  useAlertAction,
  useAlerts,
  useEscalateAlert,
} from '../../api/alerts';
import { useOrg } from '../../api/orgs';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { OrgHeader, useOrgRef } from '../access/org-header';
import { AlertRulesSection } from './alert-rules-section';

const COLORS: Record<AlertStatus, string> = {
  open: 'red',
  acknowledged: 'yellow',
  escalated: 'orange',
  dismissed: 'gray',
};

function Actions({ org, a }: { org: string; a: Alert }) {
  const act = useAlertAction(org);
  const escalate = useEscalateAlert(org);
  const navigate = useNavigate();
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  if (a.status === 'dismissed') return <Text size="xs">Dismissed: {a.status_note}</Text>;
  return (
    <Stack gap={4}>
      <ErrorAlert error={act.error ?? escalate.error} title="Refused" />
      <Group gap="xs">
        {a.status === 'open' ? (
          <Button size="xs" onClick={() => act.mutate({ id: a.id, action: 'acknowledge' })}>
            Acknowledge
          </Button>
        ) : null}
        {a.incident_id ? (
          <Button
            size="xs"
            variant="light"
            component={Link}
            to={`/orgs/${encodeURIComponent(org)}/incidents/${a.incident_id}`}
          >
            Incident {a.incident_id}
          </Button>
        ) : (
          <Button
            size="xs"
            variant="default"
            loading={escalate.isPending}
            onClick={() =>
              escalate.mutate(a.id, {
                onSuccess: (r) => navigate(`/orgs/${encodeURIComponent(org)}/incidents/${r.incident.id}`),
              })
            }
          >
            Open an incident
          </Button>
        )}
        <Button size="xs" variant="subtle" color="gray" onClick={() => setDismissing(!dismissing)}>
          Dismiss…
        </Button>
      </Group>
      {dismissing ? (
        <Group gap="xs" align="flex-end">
          <Textarea
            size="xs"
            label={`Why dismiss ${a.id}`}
            placeholder="the reason is kept in the audit log"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={1}
          />
          <Button
            size="xs"
            color="gray"
            disabled={reason.trim().length < 3}
            onClick={() => act.mutate({ id: a.id, action: 'dismiss', reason: reason.trim() })}
          >
            Dismiss alert
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}

export function AlertsPage() {
  const org = useOrgRef();
  const [status, setStatus] = useState<AlertStatus | 'all'>('open');
  const list = useAlerts(org, status);
  const manages = managesAlerts(useOrg(org).data?.role);
  return (
    <Stack>
      <OrgHeader title="Alerts" />
      <Group justify="space-between">
        <Text>{list.data ? `${list.data.open} open` : ''}</Text>
        <SegmentedControl
          aria-label="Show alerts"
          value={status}
          onChange={(v) => setStatus(v as AlertStatus | 'all')}
          data={[
            { value: 'open', label: 'Open' },
            { value: 'acknowledged', label: 'Acknowledged' },
            { value: 'escalated', label: 'Escalated' },
            { value: 'dismissed', label: 'Dismissed' },
            { value: 'all', label: 'All' },
          ]}
        />
      </Group>
      <ErrorAlert error={list.error} />
      {list.isPending ? <Loading what="alerts" /> : null}
      {list.data?.alerts.length === 0 ? (
        <Text c="dimmed">No {status === 'all' ? '' : `${status} `}alerts.</Text>
      ) : null}
      {list.data && list.data.alerts.length > 0 ? (
        <Table aria-label="Alerts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Alert</Table.Th>
              <Table.Th>Status</Table.Th>
              {manages ? <Table.Th>Action</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.alerts.map((a) => (
              <Table.Tr key={a.id} data-alert={a.id}>
                <Table.Td>{new Date(a.event_time).toLocaleString()}</Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {a.title}
                  </Text>
                  <Text size="sm">{a.summary}</Text>
                  <Text size="xs" c="dimmed">
                    {a.id} · audit event {a.seq}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={COLORS[a.status]}>{a.status}</Badge>
                </Table.Td>
                {manages ? (
                  <Table.Td>
                    <Actions org={org} a={a} />
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <AlertRulesSection org={org} manages={manages} />
    </Stack>
  );
}
