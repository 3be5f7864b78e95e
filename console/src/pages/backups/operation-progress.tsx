/**
 * @module pages/backups/operation-progress
 * An operation as it runs: its phase and a progress bar, then done or the error that ended it.
 */
import { Alert, Progress, Stack, Text } from '@mantine/core';
import type { Operation } from '../../api/backups';

const VERB = {
  backup: 'Backup',
  restore: 'Restore',
  verify: 'Verification',
  drill: 'Restore drill',
} as const;

export function OperationProgress({ op }: { op: Operation }) {
  const verb = VERB[op.kind];
  if (op.status === 'failed')
    return (
      <Alert color="red" variant="light" title={`${verb} failed`} role="alert">
        {op.error}
      </Alert>
    );
  if (op.status === 'succeeded')
    return (
      <Text size="sm" role="status">
        {verb} {op.id} finished.
      </Text>
    );
  return (
    <Stack gap={4} role="status" aria-label={`${verb} progress`}>
      <Text size="sm">
        {verb} {op.status}: {op.phase} ({Math.round(op.percent)}%)
      </Text>
      <Progress value={op.percent} aria-label={`${verb} ${Math.round(op.percent)}%`} />
    </Stack>
  );
}
