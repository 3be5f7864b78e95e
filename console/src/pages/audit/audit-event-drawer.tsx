/**
 * @module pages/audit/audit-event-drawer
 * One audit event in full: every field, actor, target and details as JSON, its hash and the hash
 * it links to, and "Download proof" (an inclusion proof against a signed checkpoint, which
 * `ward audit check-proof` checks offline with Ward's public key). A db.statement event also offers
 * its raw text, break-glass (see statement-text-panel).
 */
import { Button, Code, Drawer, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useDownloadProof } from '../../api/audit';
import type { AuditEvent } from '../../api/audit-types';
import { ErrorAlert } from '../../components/error-alert';
import { OutcomeBadge } from '../../components/outcome-badge';
import { actorLabel, targetLabel } from '../../lib/audit-format';
import { StatementTextPanel } from './statement-text-panel';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={130}>
        {label}
      </Table.Th>
      <Table.Td style={{ wordBreak: 'break-all' }}>{children}</Table.Td>
    </Table.Tr>
  );
}

function Json({ title, value }: { title: string; value: unknown }) {
  return (
    <section aria-label={title}>
      <Title order={3} size="h6" mb={4}>
        {title}
      </Title>
      <Code block>{JSON.stringify(value, null, 2)}</Code>
    </section>
  );
}

interface Props {
  org: string;
  event: AuditEvent | null;
  onClose: () => void;
}

export function AuditEventDrawer({ org, event, onClose }: Props) {
  const proof = useDownloadProof(org);
  const close = () => {
    proof.reset();
    onClose();
  };
  return (
    <Drawer
      opened={event !== null}
      onClose={close}
      position="right"
      size="xl"
      title={event ? `Audit event ${event.seq}` : 'Audit event'}
      closeButtonProps={{ 'aria-label': 'Close event detail' }}
    >
      {event ? (
        <Stack>
          <Table withTableBorder aria-label="Event fields">
            <Table.Tbody>
              <Row label="ID">
                <Code>{event.id}</Code>
              </Row>
              <Row label="Sequence">{event.seq}</Row>
              <Row label="Chain">
                <Code>{event.chain}</Code>
              </Row>
              <Row label="Time">
                {event.time} ({new Date(event.time).toLocaleString()})
              </Row>
              <Row label="Action">
                <Code>{event.action}</Code>
              </Row>
              <Row label="Outcome">
                <OutcomeBadge outcome={event.outcome} />
              </Row>
              <Row label="Actor">{actorLabel(event.actor)}</Row>
              <Row label="Target">{targetLabel(event.target)}</Row>
              <Row label="Hash">
                <Code>{event.hash}</Code>
              </Row>
              <Row label="Previous hash">
                <Code>{event.prev_hash}</Code>
              </Row>
            </Table.Tbody>
          </Table>
          <Json title="Actor" value={event.actor} />
          <Json title="Target" value={event.target} />
          <Json title="Details" value={event.details} />
          {event.action === 'db.statement' ? (
            <StatementTextPanel key={event.id} org={org} eventId={event.id} />
          ) : null}
          <Text size="sm" c="dimmed">
            The proof shows this event is included in a checkpoint Ward signed; check it offline with `ward
            audit check-proof`.
          </Text>
          <ErrorAlert error={proof.error} title="The proof was not downloaded" />
          <div>
            <Button variant="default" loading={proof.isPending} onClick={() => proof.mutate(event.id)}>
              Download proof
            </Button>
          </div>
        </Stack>
      ) : null}
    </Drawer>
  );
}
