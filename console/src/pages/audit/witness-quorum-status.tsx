/**
 * @module pages/audit/witness-quorum-status
 * What the witnesses vouch for: the quorum, the newest checkpoint a quorum cosigned (its size
 * against the head, by whom, when), and how far the log has gone beyond it.
 */
import { Stack, Text } from '@mantine/core';
import type { WitnessStatus } from '../../api/audit-types';
import { when } from '../../lib/audit-format';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function quorumLine(s: WitnessStatus): string {
  if (s.witnesses.length === 0) return 'No witness registered yet: only Ward signs the checkpoints.';
  const registered = plural(s.witnesses.length, 'registered witness', 'registered witnesses');
  return `Quorum: ${s.quorum} of ${registered}${s.quorum_set ? '' : ' (the default)'}.`;
}

function lagLine(s: WitnessStatus): string {
  const seconds = s.lag_seconds === null ? '' : `, ${plural(s.lag_seconds, 'second', 'seconds')}`;
  return `Lag: ${plural(s.lag_events, 'event', 'events')}${seconds} not yet covered by a checkpoint a quorum cosigned.`;
}

export function WitnessQuorumStatus({ status }: { status: WitnessStatus }) {
  const cp = status.quorum_checkpoint;
  return (
    <Stack gap={2}>
      <Text size="sm">{quorumLine(status)}</Text>
      <Text size="sm">
        {cp
          ? `Newest checkpoint cosigned by a quorum: ${cp.tree_size} of ${status.head_seq} events, by ${cp.witnesses.join(', ')}, at ${when(cp.cosigned_at)}.`
          : 'No checkpoint cosigned by a quorum yet.'}
      </Text>
      <Text size="sm">{lagLine(status)}</Text>
    </Stack>
  );
}
