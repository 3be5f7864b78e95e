/**
 * @module components/status-badge
 * A project's status as a coloured badge. With `live`, changes are announced to screen readers
 * (role="status" is an aria-live="polite" region).
 */
import { Badge, Box, Loader, VisuallyHidden } from '@mantine/core';
import type { ProjectStatus } from '../api/types';

const COLORS: Record<ProjectStatus, string> = {
  provisioning: 'blue',
  restoring: 'blue',
  running: 'green',
  suspended: 'orange',
  failed: 'red',
  pending_deletion: 'orange',
  deleting: 'orange',
  deleted: 'gray',
};

export function StatusBadge({ status, live = false }: { status: ProjectStatus; live?: boolean }) {
  const busy = status === 'provisioning' || status === 'restoring' || status === 'deleting';
  const badge = (
    <Badge
      color={COLORS[status]}
      variant="light"
      leftSection={busy ? <Loader size={10} color={COLORS[status]} /> : null}
    >
      {status}
    </Badge>
  );
  if (!live) return badge;
  return (
    <Box role="status" aria-live="polite" aria-atomic="true" display="inline-block">
      <VisuallyHidden>Status: </VisuallyHidden>
      {badge}
    </Box>
  );
}
