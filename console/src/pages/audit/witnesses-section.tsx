/**
 * @module pages/audit/witnesses-section
 * The audit settings' "Witnesses": why a witness matters, the command that starts one with this
 * log's key, what a quorum of witnesses has cosigned, each witness's progress (refreshed every few
 * seconds), and the forms to add one and to set the quorum. The controls show to everyone who can
 * read the page, as the sinks' do; Ward refuses a role that may not change them, and its message
 * shows beside the control.
 */
import { Stack, Text, Title } from '@mantine/core';
import { useWitnessStatus } from '../../api/audit-witnesses';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { AddWitnessForm } from './add-witness-form';
import { QuorumForm } from './quorum-form';
import { WitnessCommand } from './witness-command';
import { WitnessQuorumStatus } from './witness-quorum-status';
import { WitnessesTable } from './witnesses-table';

function WitnessStatusParts({ org }: { org: string }) {
  const status = useWitnessStatus(org);
  if (status.isPending) return <Loading what="audit witnesses" />;
  if (!status.data) return <ErrorAlert error={status.error} title="Could not read the audit witnesses" />;
  return (
    <>
      <ErrorAlert error={status.error} title="Could not refresh the audit witnesses" />
      <WitnessCommand logKey={status.data.log_key} />
      <WitnessQuorumStatus status={status.data} />
      <WitnessesTable org={org} witnesses={status.data.witnesses} />
      <AddWitnessForm org={org} />
      {/* Starts afresh when the quorum or the witnesses change: an old refusal counted others. */}
      <QuorumForm
        key={`${status.data.quorum}/${status.data.witnesses.length}`}
        org={org}
        quorum={status.data.quorum}
      />
    </>
  );
}

export function WitnessesSection({ org }: { org: string }) {
  return (
    <Stack gap="sm" component="section" aria-labelledby="witnesses-title">
      <Title order={2} size="h4" id="witnesses-title">
        Witnesses
      </Title>
      <Text size="sm" c="dimmed">
        A witness the organization runs on its own machine cosigns each checkpoint, and only one that extends
        what it cosigned before, so a rollback or a rewrite of the log by whoever runs Ward is caught.
      </Text>
      <WitnessStatusParts org={org} />
    </Stack>
  );
}
