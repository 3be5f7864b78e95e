/**
 * @module pages/audit/remove-witness-button
 * "Remove" for one witness, after a confirmation dialog. Its cosignatures stay as evidence; Ward
 * refuses (and says so in the dialog) when fewer witnesses than the quorum would be left.
 */
import type { WitnessView } from '../../api/audit-types';
import { useRemoveWitness } from '../../api/audit-witnesses';
import { ConfirmRemoveButton } from '../../components/confirm-remove-button';

export function RemoveWitnessButton({ org, witness }: { org: string; witness: WitnessView }) {
  return (
    <ConfirmRemoveButton what="witness" name={witness.name} id={witness.id} remove={useRemoveWitness(org)}>
      Ward stops sending checkpoints to {witness.url}. The cosignatures it already gave stay as evidence.
    </ConfirmRemoveButton>
  );
}
