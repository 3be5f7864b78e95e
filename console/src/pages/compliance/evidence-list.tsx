/**
 * @module pages/compliance/evidence-list
 * What a live check looked at, as a key/value table: words for keys, plain values as they are,
 * lists one item a line, anything nested as indented JSON.
 */
import { Code, Table, Text } from '@mantine/core';

const label = (key: string) => {
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <Text size="sm">—</Text>;
  if (typeof value === 'boolean') return <Text size="sm">{value ? 'yes' : 'no'}</Text>;
  if (typeof value === 'string' || typeof value === 'number') return <Text size="sm">{String(value)}</Text>;
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) {
    if (value.length === 0) return <Text size="sm">none</Text>;
    return (
      <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
        {value.map(String).join('\n')}
      </Text>
    );
  }
  return (
    <Code block fz="xs">
      {JSON.stringify(value, null, 2)}
    </Code>
  );
}

export function EvidenceList({ evidence }: { evidence: Record<string, unknown> }) {
  const entries = Object.entries(evidence);
  if (entries.length === 0)
    return (
      <Text size="sm" c="dimmed">
        The check recorded no details.
      </Text>
    );
  return (
    <Table aria-label="Evidence" verticalSpacing={4} withRowBorders>
      <Table.Tbody>
        {entries.map(([key, value]) => (
          <Table.Tr key={key}>
            <Table.Th scope="row" w="40%" fw={500}>
              {label(key)}
            </Table.Th>
            <Table.Td>
              <Value value={value} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
