/**
 * @module pages/audit/delete-sink-button
 * "Remove" for one sink, after a confirmation dialog. What the sink already received stays where
 * it is; Ward just stops copying to it.
 */
import { useDeleteSink } from '../../api/audit-sinks';
import type { SinkView } from '../../api/audit-types';
import { ConfirmRemoveButton } from '../../components/confirm-remove-button';

export function DeleteSinkButton({ org, sink }: { org: string; sink: SinkView }) {
  return (
    <ConfirmRemoveButton what="sink" name={sink.name} id={sink.id} remove={useDeleteSink(org)}>
      Ward stops copying the audit log to {sink.target}. What it already received stays there.
    </ConfirmRemoveButton>
  );
}
