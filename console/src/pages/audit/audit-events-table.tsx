/**
 * @module pages/audit/audit-events-table
 * An org's audit events, newest first, a page at a time ("Load more events" follows next_cursor):
 * time, actor, action, outcome and target, and a button per row that opens the event's detail.
 */
import { Button, Code, Group, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { useAuditEvents } from '../../api/audit';
import type { AuditEvent, AuditFilters } from '../../api/audit-types';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { OutcomeBadge } from '../../components/outcome-badge';
import { actorLabel, describeFilters, targetLabel } from '../../lib/audit-format';
import { AuditEventDrawer } from './audit-event-drawer';

function EventRow({ event, onOpen }: { event: AuditEvent; onOpen: () => void }) {
  return (
    <Table.Tr>
      <Table.Td>
        <time dateTime={event.time} title={event.time}>
          {new Date(event.time).toLocaleString()}
        </time>
      </Table.Td>
      <Table.Td>{actorLabel(event.actor)}</Table.Td>
      <Table.Td>
        <Code>{event.action}</Code>
      </Table.Td>
      <Table.Td>
        <OutcomeBadge outcome={event.outcome} />
      </Table.Td>
      <Table.Td>{targetLabel(event.target)}</Table.Td>
      <Table.Td>
        <Button
          size="compact-xs"
          variant="default"
          onClick={onOpen}
          aria-label={`Details of event ${event.seq}`}
        >
          Details
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

export function AuditEventsTable({ org, filters }: { org: string; filters: AuditFilters }) {
  const list = useAuditEvents(org, filters);
  const [open, setOpen] = useState<AuditEvent | null>(null);
  const events = list.data?.pages.flatMap((p) => p.events) ?? [];
  const applied = describeFilters(filters);

  if (list.isPending) return <Loading what="audit events" />;
  if (list.error && events.length === 0) {
    return <ErrorAlert error={list.error} title="Could not read the audit log" />;
  }
  return (
    <>
      <ErrorAlert error={list.error} title="Could not refresh the audit log" />
      {events.length === 0 ? (
        <Text c="dimmed">No audit events{applied ? ` match these filters: ${applied}` : ' yet'}.</Text>
      ) : (
        <Table striped captionSide="top">
          <Table.Caption>Audit events, newest first{applied ? `: ${applied}` : ''}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>
                <VisuallyHidden>Detail</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.map((e) => (
              <EventRow key={e.id} event={e} onOpen={() => setOpen(e)} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group>
        {list.hasNextPage ? (
          <Button variant="default" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
            Load more events
          </Button>
        ) : null}
        <Button variant="subtle" loading={list.isRefetching} onClick={() => list.refetch()}>
          Refresh
        </Button>
      </Group>
      <AuditEventDrawer org={org} event={open} onClose={() => setOpen(null)} />
    </>
  );
}
