/**
 * @module components/hipaa-badge
 * Whether an organization has HIPAA enabled (BAA signed and countersigned).
 */
import { Badge } from '@mantine/core';

export function HipaaBadge({ enabled }: { enabled: boolean }) {
  return enabled ? (
    <Badge color="teal" variant="light">
      HIPAA enabled
    </Badge>
  ) : (
    <Badge color="gray" variant="outline">
      HIPAA not enabled
    </Badge>
  );
}
