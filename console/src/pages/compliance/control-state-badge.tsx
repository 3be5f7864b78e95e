/**
 * @module pages/compliance/control-state-badge
 * A control's state as a coloured badge (the word is always there, so colour is never the only
 * sign).
 */
import { Badge } from '@mantine/core';
import type { ControlState } from '../../api/compliance-types';
import { STATE_COLORS, STATE_LABELS } from '../../lib/compliance-format';

export function ControlStateBadge({ state }: { state: ControlState }) {
  return (
    <Badge color={STATE_COLORS[state]} variant="light" data-testid="control-state">
      {STATE_LABELS[state]}
    </Badge>
  );
}
