/**
 * @module pages/audit/audit-sinks-table
 * The org's audit sinks with how far each has got, refreshed every few seconds: delivered and
 * head seq, lag in events and seconds, last success, last error (red), attempts; a switch to
 * pause or resume each one and a button to remove it.
 */
import { Badge, Switch, Table, Text } from '@mantine/core';
import { useAuditSinks, useSetSinkEnabled } from '../../api/audit-sinks';
import type { SinkView } from '../../api/audit-types';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { when } from '../../lib/audit-format';
import { DeleteSinkButton } from './delete-sink-button';

function lag(s: SinkView): string {
  const seconds = s.lag_seconds === null ? '' : `, ${Math.round(s.lag_seconds)} s`;
  return `${s.lag_events} events${seconds}`;
}

function SinkRow({ org, sink }: { org: string; sink: SinkView }) {
  const toggle = useSetSinkEnabled(org);
  const caughtUp = sink.delivered_seq >= sink.head_seq;
  return (
    <Table.Tr>
      <Table.Th scope="row">{sink.name}</Table.Th>
      <Table.Td>{sink.kind}</Table.Td>
      <Table.Td style={{ wordBreak: 'break-all' }}>{sink.target}</Table.Td>
      <Table.Td>{sink.format}</Table.Td>
      <Table.Td>
        <Switch
          aria-label={`Enabled: ${sink.name}`}
          checked={sink.enabled}
          disabled={toggle.isPending}
          onChange={(e) => toggle.mutate({ id: sink.id, enabled: e.currentTarget.checked })}
        />
        {toggle.error ? <ErrorAlert error={toggle.error} title="Not changed" /> : null}
      </Table.Td>
      <Table.Td>
        {sink.delivered_seq} of {sink.head_seq}{' '}
        {caughtUp ? (
          <Badge color="green" variant="light">
            caught up
          </Badge>
        ) : null}
      </Table.Td>
      <Table.Td>{lag(sink)}</Table.Td>
      <Table.Td>{when(sink.last_success_at)}</Table.Td>
      <Table.Td>
        {sink.last_error ? (
          <Text c="red" size="sm">
            {sink.last_error} ({when(sink.last_error_at)})
          </Text>
        ) : (
          'none'
        )}
      </Table.Td>
      <Table.Td>{sink.attempts}</Table.Td>
      <Table.Td>
        <DeleteSinkButton org={org} sink={sink} />
      </Table.Td>
    </Table.Tr>
  );
}

const HEADINGS = [
  'Name',
  'Kind',
  'Target',
  'Format',
  'Enabled',
  'Delivered',
  'Lag',
  'Last success',
  'Last error',
  'Attempts',
  'Remove',
];

export function AuditSinksTable({ org }: { org: string }) {
  const sinks = useAuditSinks(org);
  if (sinks.isPending) return <Loading what="audit sinks" />;
  if (!sinks.data) return <ErrorAlert error={sinks.error} title="Could not list the audit sinks" />;
  return (
    <>
      <ErrorAlert error={sinks.error} title="Could not refresh the audit sinks" />
      {sinks.data.length === 0 ? (
        <Text c="dimmed">No sinks yet: the audit log is kept only in Ward's database.</Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table striped captionSide="top">
            <Table.Caption>Audit sinks, refreshed every few seconds</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                {HEADINGS.map((h) => (
                  <Table.Th key={h}>{h}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sinks.data.map((s) => (
                <SinkRow key={s.id} org={org} sink={s} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
