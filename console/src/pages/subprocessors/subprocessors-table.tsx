/**
 * @module pages/subprocessors/subprocessors-table
 * The subprocessor list: what each does, where, whether it may handle PHI, and what is announced
 * (its first day, a change to its details, its removal).
 */
import { Badge, Table } from '@mantine/core';
import type { Subprocessor } from '../../api/subprocessors';

const STATUSES: Record<Subprocessor['status'], { label: string; color: string }> = {
  upcoming: { label: 'Upcoming', color: 'blue' },
  in_effect: { label: 'In effect', color: 'green' },
  removal_announced: { label: 'Being removed', color: 'yellow' },
  removed: { label: 'Removed', color: 'gray' },
};

const day = (iso: string) => new Date(iso).toLocaleDateString();

function announced(s: Subprocessor): string {
  const parts: string[] = [];
  if (s.status === 'upcoming') parts.push(`from ${day(s.effective_at)}`);
  if (s.next)
    parts.push(
      `from ${day(s.next.effective_at)}: ${s.next.name}, ${s.next.purpose}, ${s.next.location}, PHI ${s.next.phi ? 'yes' : 'no'}`,
    );
  if (s.removal_effective_at)
    parts.push(
      `${s.status === 'removed' ? 'removed' : 'no longer used from'} ${day(s.removal_effective_at)}`,
    );
  return parts.join('; ') || '—';
}

export function SubprocessorsTable({ list }: { list: Subprocessor[] }) {
  return (
    <Table aria-label="Subprocessors" striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          <Table.Th>Purpose</Table.Th>
          <Table.Th>Location</Table.Th>
          <Table.Th>May handle PHI</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Announced</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {list.map((s) => (
          <Table.Tr key={s.id}>
            <Table.Td>{s.name}</Table.Td>
            <Table.Td>{s.purpose}</Table.Td>
            <Table.Td>{s.location}</Table.Td>
            <Table.Td>{s.phi ? 'Yes' : 'No'}</Table.Td>
            <Table.Td>
              <Badge color={STATUSES[s.status].color} variant="light">
                {STATUSES[s.status].label}
              </Badge>
            </Table.Td>
            <Table.Td>{announced(s)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
