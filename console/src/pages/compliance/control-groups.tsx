/**
 * @module pages/compliance/control-groups
 * Every control, grouped by safeguard (164.308–164.316), one table each: citation, title,
 * Required or Addressable, who is responsible, the state and since when, and the threshold Ward's
 * live check holds it to. A control's title opens its evidence.
 */
import { Anchor, Stack, Table, Text, Title } from '@mantine/core';
import type { Control } from '../../api/compliance-types';
import {
  KIND_LABELS,
  RESPONSIBILITY_LABELS,
  SAFEGUARDS,
  STATE_LABELS,
  shortTime,
} from '../../lib/compliance-format';
import { ControlStateBadge } from './control-state-badge';

interface Props {
  controls: readonly Control[];
  onOpen: (id: string) => void;
}

function ControlRow({ control: c, onOpen }: { control: Control; onOpen: (id: string) => void }) {
  return (
    <Table.Tr onClick={() => onOpen(c.id)} style={{ cursor: 'pointer' }} data-control={c.id}>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{c.citation}</Table.Td>
      <Table.Td>
        <Anchor
          component="button"
          type="button"
          size="sm"
          ta="left"
          onClick={(e) => {
            e.stopPropagation();
            onOpen(c.id);
          }}
        >
          {c.title}
        </Anchor>
      </Table.Td>
      <Table.Td>{KIND_LABELS[c.kind]}</Table.Td>
      <Table.Td>{RESPONSIBILITY_LABELS[c.responsibility]}</Table.Td>
      <Table.Td>
        <ControlStateBadge state={c.state} />
      </Table.Td>
      <Table.Td>
        <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
          {shortTime(c.since)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="xs">{c.check === 'attestation' ? 'attested by an owner' : c.threshold || '—'}</Text>
      </Table.Td>
    </Table.Tr>
  );
}

function counts(controls: readonly Control[]): string {
  const by = new Map<string, number>();
  for (const c of controls) by.set(c.state, (by.get(c.state) ?? 0) + 1);
  const parts = (Object.keys(STATE_LABELS) as Control['state'][])
    .filter((s) => by.get(s))
    .map((s) => `${by.get(s)} ${STATE_LABELS[s]}`);
  return `${controls.length} control${controls.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

export function ControlGroups({ controls, onOpen }: Props) {
  return (
    <Stack gap="xl">
      {SAFEGUARDS.map((g) => {
        const of = controls.filter((c) => c.safeguard === g.id);
        if (of.length === 0) return null;
        const heading = `${g.title} (${g.section})`;
        return (
          <Stack gap="xs" key={g.id} component="section" aria-labelledby={`safeguard-${g.id}`}>
            <Title order={2} size="h3" id={`safeguard-${g.id}`}>
              {heading}
            </Title>
            <Text size="sm" c="dimmed">
              {counts(of)}
            </Text>
            <Table.ScrollContainer minWidth={820}>
              <Table highlightOnHover verticalSpacing="xs" aria-label={heading}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Citation</Table.Th>
                    <Table.Th>Control</Table.Th>
                    <Table.Th>Kind</Table.Th>
                    <Table.Th>Responsibility</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th>Since</Table.Th>
                    <Table.Th>Threshold</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {of.map((c) => (
                    <ControlRow key={c.id} control={c} onOpen={onOpen} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Stack>
        );
      })}
    </Stack>
  );
}
