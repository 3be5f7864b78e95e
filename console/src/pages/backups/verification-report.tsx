/**
 * @module pages/backups/verification-report
 * What a restore into a new project found when it compared the copy with its source: the schema,
 * and per table the row counts and content checksums.
 */
import { Badge, Stack, Table, Text } from '@mantine/core';
import type { VerificationReport as Report } from '../../api/backups';

const verdict = (equal: boolean) => (
  <Badge color={equal ? 'green' : 'red'} variant="light">
    {equal ? 'equal' : 'different'}
  </Badge>
);

export function VerificationReport({ report }: { report: Report }) {
  return (
    <Stack gap="xs">
      <Text size="sm" fw={600}>
        Verification: {report.identical ? 'identical to the source' : 'DIFFERENT from the source'} (schema{' '}
        {report.schema.identical ? 'identical' : 'different'})
      </Text>
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
              <Table.Td>{verdict(t.rows_equal)}</Table.Td>
              <Table.Td>{verdict(t.checksum_equal)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
