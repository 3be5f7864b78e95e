/**
 * @module pages/hipaa/certificates-section
 * Certificates of destruction of the org's deleted HIPAA projects, each as a PDF or as the signed
 * JSON (with Ward's public key, to check offline).
 */
import { Anchor, Group, Stack, Table, Text, Title } from '@mantine/core';
import { certificateUrl, useCertificates } from '../../api/hipaa';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';

export function CertificatesSection({ orgRef }: { orgRef: string }) {
  const list = useCertificates(orgRef);
  if (list.isPending) return <Loading what="certificates" />;
  if (list.error) return <ErrorAlert error={list.error} title="Could not list certificates" />;
  return (
    <Stack gap="sm" component="section" aria-labelledby="certificates-title">
      <Title order={2} size="h4" id="certificates-title">
        Certificates of destruction
      </Title>
      {list.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          None: Ward issues one when a deleted HIPAA project is destroyed.
        </Text>
      ) : (
        <Table aria-label="Certificates of destruction" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Project</Table.Th>
              <Table.Th>Issued</Table.Th>
              <Table.Th>Download</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  {c.project_name} ({c.project_id})
                </Table.Td>
                <Table.Td>{new Date(c.issued_at).toLocaleString()}</Table.Td>
                <Table.Td>
                  <Group gap="sm">
                    <Anchor href={certificateUrl(orgRef, c.id, true)} download>
                      PDF
                    </Anchor>
                    <Anchor href={certificateUrl(orgRef, c.id, false)} download={`${c.id}.json`}>
                      Signed JSON
                    </Anchor>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
