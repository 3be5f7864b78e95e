/**
 * @module pages/compliance/decision-form
 * An owner records a 164.306(d)(3) decision on an addressable specification: implemented, an
 * alternative measure (described), or not reasonable and appropriate (with the rationale); and,
 * where the specification applies to some entities only, that it does not apply. Ward keeps it for
 * 12 months and audits it.
 */
import { Button, Radio, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useDecide } from '../../api/compliance';
import type { Control, DecisionKind } from '../../api/compliance-types';
import { ErrorAlert } from '../../components/error-alert';
import { DECISION_LABELS } from '../../lib/compliance-format';

const RATIONALE_LABELS: Record<DecisionKind, string> = {
  implemented: 'How it is implemented',
  alternative: 'The alternative measure',
  not_reasonable: 'Why it is not reasonable and appropriate',
  not_applicable: 'Why it does not apply',
};

/** The decisions Ward accepts for `control` (src/compliance/posture.ts refuseDecision). */
export function decisionsFor(control: Control): DecisionKind[] {
  const kinds: DecisionKind[] =
    control.kind === 'addressable' ? ['implemented', 'alternative', 'not_reasonable'] : [];
  if (control.applies_when) kinds.push('not_applicable');
  return kinds;
}

export function DecisionForm({ org, control }: { org: string; control: Control }) {
  const decide = useDecide(org);
  const kinds = decisionsFor(control);
  const [decision, setDecision] = useState<DecisionKind | ''>('');
  const [rationale, setRationale] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    decide.reset();
    if (!decision) return;
    decide.mutate({ control: control.id, decision, rationale: rationale.trim() });
  };

  return (
    <form onSubmit={submit} aria-label="Record a decision">
      <Stack gap="sm">
        <Radio.Group
          label="Decision"
          description={
            control.applies_when
              ? `It applies only where ${control.applies_when}.`
              : 'It expires after 12 months.'
          }
          required
          value={decision}
          onChange={(v) => setDecision(v as DecisionKind)}
        >
          <Stack gap={6} mt={6}>
            {kinds.map((k) => (
              <Radio key={k} value={k} label={DECISION_LABELS[k]} />
            ))}
          </Stack>
        </Radio.Group>
        <Textarea
          label={decision ? RATIONALE_LABELS[decision] : 'Rationale'}
          description="At least 20 characters; it appears in the report"
          required
          autosize
          minRows={3}
          maxLength={4000}
          value={rationale}
          onChange={(e) => setRationale(e.currentTarget.value)}
        />
        <ErrorAlert error={decide.error} title="Ward did not record the decision" />
        {decide.data ? (
          <Text size="sm" role="status">
            Recorded: {DECISION_LABELS[decide.data.decision as DecisionKind]}, in force until{' '}
            {new Date(decide.data.expires_at).toLocaleDateString()}.
          </Text>
        ) : null}
        <Button
          type="submit"
          loading={decide.isPending}
          disabled={!decision}
          style={{ alignSelf: 'flex-start' }}
        >
          Record the decision
        </Button>
      </Stack>
    </form>
  );
}
