/**
 * @module pages/incidents/countdown
 * A deadline as a countdown: days left, due today, or overdue in red (calendar days, as the
 * Breach Notification Rule counts them; no weekend or holiday extension).
 */
import { Text } from '@mantine/core';

export function countdownText(days: number): string {
  if (days > 1) return `${days} days left`;
  if (days === 1) return '1 day left';
  if (days === 0) return 'due today';
  return `${-days} day${days === -1 ? '' : 's'} overdue`;
}

export function Countdown({ days, met = false }: { days: number; met?: boolean }) {
  if (met)
    return (
      <Text span size="sm" c="teal.9" fw={600}>
        met
      </Text>
    );
  return (
    <Text
      span
      size="sm"
      fw={600}
      c={days < 0 ? 'red.9' : days <= 7 ? 'orange.9' : undefined}
      data-overdue={days < 0 || undefined}
    >
      {countdownText(days)}
    </Text>
  );
}
