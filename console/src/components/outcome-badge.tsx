/**
 * @module components/outcome-badge
 * An audit event's outcome as a coloured badge: success, failure, or denied (refused).
 */
import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = { success: 'green', failure: 'orange', denied: 'red' };

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return (
    <Badge color={COLORS[outcome] ?? 'gray'} variant="light">
      {outcome}
    </Badge>
  );
}
