/**
 * @module pages/hipaa/pending-baas
 * For the operator: BAAs that owners signed and that wait for the countersignature, each linking
 * to its org's page, where the operator reads and countersigns it.
 */
import { Anchor, Code, Stack, Table, Title } from '@mantine/core';
import { Link } from 'react-router';
import { usePendingBaas } from '../../api/hipaa';
import { ErrorAlert } from '../../components/error-alert';

export function PendingBaas({ operator }: { operator: boolean }) {
  const pending = usePendingBaas(operator);
  if (!operator || !pending.data || pending.data.length === 0)
    return <ErrorAlert error={pending.error} title="Could not list BAAs" />;
  return (
    <Stack gap="sm" component="section" aria-labelledby="pending-baas-title">
      <Title order={2} size="h4" id="pending-baas-title">
        BAAs waiting for your countersignature
      </Title>
      <Table aria-label="BAAs waiting for countersignature" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Organization</Table.Th>
            <Table.Th>Signed by</Table.Th>
            <Table.Th>Signed at</Table.Th>
            <Table.Th>SHA-256</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {pending.data.map((b) => (
            <Table.Tr key={b.id}>
              <Table.Td>
                <Anchor component={Link} to={`/orgs/${encodeURIComponent(b.org_name)}/hipaa`}>
                  {b.org_name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {b.signed.name}, {b.signed.title}
              </Table.Td>
              <Table.Td>{new Date(b.signed.at).toLocaleString()}</Table.Td>
              <Table.Td>
                <Code>{b.document_sha256.slice(0, 16)}…</Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
