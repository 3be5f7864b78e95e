/**
 * @module pages/compliance/score-summary
 * The two scores: HIPAA Required (the share of required controls met, and whether every one is:
 * the binary that matters) and HIPAA Addressable, with when Ward checked them.
 */
import { Group, Paper, SimpleGrid, Text, Title } from '@mantine/core';
import type { Compliance } from '../../api/compliance-types';
import { localTime } from '../../lib/compliance-format';

function Score({ id, title, value, note }: { id: string; title: string; value: number; note: string }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`${id}-title`} data-testid={id}>
      <Title order={2} size="h4" id={`${id}-title`}>
        {title}
      </Title>
      <Text fz={32} fw={700} data-testid={`${id}-value`}>
        {value}%
      </Text>
      <Text size="sm">{note}</Text>
    </Paper>
  );
}

export function ScoreSummary({ posture }: { posture: Compliance }) {
  const failing = posture.failing_required.length;
  const addressable = posture.controls.filter((c) => c.kind === 'addressable');
  const addressableMet = addressable.filter((c) => c.state !== 'failing').length;
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Score
          id="score-required"
          title="HIPAA Required"
          value={posture.required_score}
          note={
            posture.required_met
              ? 'Every required control is met.'
              : `Not met: ${failing} required control${failing === 1 ? '' : 's'} failing.`
          }
        />
        <Score
          id="score-addressable"
          title="HIPAA Addressable"
          value={posture.addressable_score}
          note={`${addressableMet} of ${addressable.length} addressable controls met (passing, attested, an alternative measure, or not applicable).`}
        />
      </SimpleGrid>
      <Group gap="xs">
        <Text size="sm" c="dimmed">
          Checked {localTime(posture.checked_at)}.
        </Text>
        {posture.hipaa_enabled ? null : (
          <Text size="sm" c="dimmed">
            HIPAA is not enabled for {posture.org_name}: Ward shows where it would stand.
          </Text>
        )}
      </Group>
    </>
  );
}
