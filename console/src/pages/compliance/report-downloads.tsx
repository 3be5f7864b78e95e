/**
 * @module pages/compliance/report-downloads
 * The auditor's package: issue a signed compliance report (every control checked now) and download
 * any issued report as a PDF or as its signed JSON, which `ward compliance verify-report` checks
 * offline against Ward's public key. For whoever may read the org's compliance posture.
 */

import { Button, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { downloadReport, useComplianceReports, useIssueReport } from '../../api/compliance-report';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { SignedDownloads } from '../../components/signed-downloads';

/** How many issued reports the list shows (newest first). */
const SHOWN = 10;

export function ReportDownloads({ orgRef }: { orgRef: string }) {
  const list = useComplianceReports(orgRef);
  const issue = useIssueReport(orgRef);
  const save = useMutation({
    mutationFn: (r: { id: string; as: 'pdf' | 'json' }) => downloadReport(orgRef, r.id, r.as),
  });
  return (
    <Stack gap="sm" component="section" aria-labelledby="compliance-report-title">
      <Title order={2} size="h4" id="compliance-report-title">
        Signed compliance report
      </Title>
      <Text size="sm" c="dimmed">
        For auditors: both scores, every control with its evidence, decisions, attestations, the BAA's hash
        and the latest signed audit checkpoint, signed with Ward's key. Check the JSON offline with{' '}
        <Code>ward compliance verify-report report.json --public-key ward.pem</Code>.
      </Text>
      <Group>
        <Button onClick={() => issue.mutate()} loading={issue.isPending}>
          Issue a report now
        </Button>
      </Group>
      <ErrorAlert error={issue.error} title="The report was not issued" />
      <ErrorAlert error={save.error} title="The download did not start" />
      {list.isPending ? (
        <Loading what="reports" />
      ) : list.error ? (
        <ErrorAlert error={list.error} title="Could not list reports" />
      ) : list.data.length === 0 ? (
        <Text size="sm">No report issued yet.</Text>
      ) : (
        <Table aria-label="Compliance reports" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Issued</Table.Th>
              <Table.Th>HIPAA Required</Table.Th>
              <Table.Th>HIPAA Addressable</Table.Th>
              <Table.Th>Download</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.slice(0, SHOWN).map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  {new Date(r.issued_at).toLocaleString()} <Code>{r.id}</Code>
                </Table.Td>
                <Table.Td>{r.required_score}%</Table.Td>
                <Table.Td>{r.addressable_score}%</Table.Td>
                <Table.Td>
                  <SignedDownloads id={r.id} onSave={(as) => save.mutate({ id: r.id, as })} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
