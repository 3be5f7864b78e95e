/**
 * @module pages/backups/verification-report
 * What a restore into a new project found when it compared the copy with its source: the schema,
 * and per table the row counts and content checksums.
 */
import { Badge, Stack, Table, Text } from '@mantine/core';
import type { VerificationReport as Report } from '../../api/backups';

const HEADLINES: Record<Report['verdict'], string> = {
  identical: 'identical to the source',
  earlier_than_source: 'an earlier state of the source, as asked',
  different: 'DIFFERENT from the source',
};

/** A restore to an earlier point differs where the source changed since: not an error. */
const verdict = (equal: boolean, earlier: boolean) => (
  <Badge color={equal ? 'green' : earlier ? 'gray' : 'red'} variant="light">
    {equal ? 'equal' : earlier ? 'changed since' : 'different'}
  </Badge>
);

export function VerificationReport({ report }: { report: Report }) {
  const earlier = report.verdict === 'earlier_than_source';
  return (
    <Stack gap="xs">
      <Text size="sm" fw={600}>
        Verification: {HEADLINES[report.verdict]} (schema{' '}
        {report.schema.identical ? 'identical' : 'different'})
      </Text>
      {report.verdict !== 'identical' && <Text size="sm">{report.summary}</Text>}
      <Table aria-label="Verification report">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Table</Table.Th>
            <Table.Th>Source rows</Table.Th>
            <Table.Th>Restored rows</Table.Th>
            <Table.Th>Rows</Table.Th>
            <Table.Th>Checksum</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.tables.map((t) => (
            <Table.Tr key={t.table}>
              <Table.Td>{t.table}</Table.Td>
              <Table.Td>{t.source_rows ?? '-'}</Table.Td>
              <Table.Td>{t.restored_rows ?? '-'}</Table.Td>
              <Table.Td>{verdict(t.rows_equal, earlier)}</Table.Td>
              <Table.Td>{verdict(t.checksum_equal, earlier)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
