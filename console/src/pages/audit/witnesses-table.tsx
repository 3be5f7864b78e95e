/**
 * @module pages/audit/witnesses-table
 * The org's witnesses and how far each has got: the largest checkpoint it cosigned, its lag, and
 * its last result (the error with the witness's HTTP status, in red, until it cosigns again).
 */
import { Table, Text } from '@mantine/core';
import type { WitnessView } from '../../api/audit-types';
import { when } from '../../lib/audit-format';
import { RemoveWitnessButton } from './remove-witness-button';

/** "HTTP 409: …", or "No answer: …" when the witness could not be reached. */
function failure(w: WitnessView & { last_error: string }): string {
  if (w.last_status === null) return `No answer: ${w.last_error}`;
  // Some errors already start with the status ("500: …"); it is written once.
  const prefix = `${w.last_status}: `;
  const text = w.last_error.startsWith(prefix) ? w.last_error.slice(prefix.length) : w.last_error;
  return `HTTP ${w.last_status}: ${text}`;
}

function LastResult({ witness: w }: { witness: WitnessView }) {
  if (w.last_error !== null)
    return (
      <Text c="red" size="sm" fw={600}>
        {failure({ ...w, last_error: w.last_error })} ({when(w.last_error_at)},{' '}
        {w.attempts === 1 ? '1 attempt' : `${w.attempts} attempts`})
      </Text>
    );
  return <>{w.last_success_at ? `Cosigned ${when(w.last_success_at)}` : 'Not asked yet'}</>;
}

function WitnessRow({ org, witness: w }: { org: string; witness: WitnessView }) {
  return (
    <Table.Tr>
      <Table.Th scope="row">{w.name}</Table.Th>
      <Table.Td style={{ wordBreak: 'break-all' }}>{w.url}</Table.Td>
      <Table.Td style={{ wordBreak: 'break-all' }}>{w.key_name}</Table.Td>
      <Table.Td>{w.cosigned_size}</Table.Td>
      <Table.Td>{w.lag_events === 1 ? '1 event' : `${w.lag_events} events`}</Table.Td>
      <Table.Td>
        <LastResult witness={w} />
      </Table.Td>
      <Table.Td>
        <RemoveWitnessButton org={org} witness={w} />
      </Table.Td>
    </Table.Tr>
  );
}

const HEADINGS = ['Name', 'URL', 'Key name', 'Cosigned (events)', 'Lag', 'Last result', 'Remove'];

export function WitnessesTable({ org, witnesses }: { org: string; witnesses: WitnessView[] }) {
  if (witnesses.length === 0)
    return <Text c="dimmed">No witnesses yet: only Ward vouches for its audit log.</Text>;
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped aria-label="Witnesses">
        <Table.Thead>
          <Table.Tr>
            {HEADINGS.map((h) => (
              <Table.Th key={h}>{h}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {witnesses.map((w) => (
            <WitnessRow key={w.id} org={org} witness={w} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
