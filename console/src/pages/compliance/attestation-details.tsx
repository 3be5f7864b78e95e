/**
 * @module pages/compliance/attestation-details
 * A control's attested document and decision as an auditor reads them: the file with its SHA-256
 * and a download link, the review date, who attested and when; the decision, its rationale, who
 * made it, when it expires and whether it is still in force.
 */
import { Anchor, Badge, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useMembers } from '../../api/access';
import { attestationUrl } from '../../api/compliance';
import type { Attestation, Decision } from '../../api/compliance-types';
import { formatBytes } from '../../lib/bytes';
import { DECISION_LABELS, localTime } from '../../lib/compliance-format';

/** A person's email when they are a member, else the id Ward recorded (someone since removed). */
function usePerson(org: string): (id: string) => string {
  const members = useMembers(org).data;
  return (id) => members?.find((m) => m.user_id === id)?.email ?? id;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w="35%" fw={500}>
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

export function AttestationDetails({ org, attestation: a }: { org: string; attestation: Attestation }) {
  const person = usePerson(org);
  const overdue = a.review_by < new Date().toISOString().slice(0, 10);
  return (
    <Table aria-label="Attestation" verticalSpacing={4}>
      <Table.Tbody>
        <Row label="Document">
          <Anchor href={attestationUrl(org, a.id)} download={a.file_name} size="sm">
            {a.file_name}
          </Anchor>{' '}
          <Text span size="xs" c="dimmed">
            ({formatBytes(a.size_bytes)})
          </Text>
        </Row>
        <Row label="SHA-256">
          <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid="attestation-sha256">
            {a.sha256}
          </Text>
        </Row>
        <Row label="Statement">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {a.statement}
          </Text>
        </Row>
        <Row label="Review by">
          <Text size="sm">
            {a.review_by}
            {overdue ? ' (passed: review the document and upload it again)' : ''}
          </Text>
        </Row>
        <Row label="Attested">
          <Text size="sm">
            by {person(a.attested_by)}, {localTime(a.attested_at)}
          </Text>
        </Row>
      </Table.Tbody>
    </Table>
  );
}

export function DecisionDetails({ org, decision: d }: { org: string; decision: Decision }) {
  const person = usePerson(org);
  return (
    <Table aria-label="Decision" verticalSpacing={4}>
      <Table.Tbody>
        <Row label="Decision">
          <Text size="sm" span>
            {DECISION_LABELS[d.decision]}
          </Text>{' '}
          <Badge size="sm" variant="light" color={d.in_force ? 'green' : 'orange'}>
            {d.in_force ? 'in force' : 'expired'}
          </Badge>
        </Row>
        <Row label="Rationale">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {d.rationale}
          </Text>
        </Row>
        <Row label="Decided">
          <Text size="sm">
            by {person(d.decided_by)}, {localTime(d.decided_at)}
          </Text>
        </Row>
        <Row label={d.in_force ? 'Expires' : 'Expired'}>
          <Text size="sm">{localTime(d.expires_at)}</Text>
        </Row>
      </Table.Tbody>
    </Table>
  );
}
