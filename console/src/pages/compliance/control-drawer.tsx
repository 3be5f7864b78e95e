/**
 * @module pages/compliance/control-drawer
 * One control's evidence: what Ward found (and what to fix), the threshold its live check holds,
 * what the check looked at, the attested document and the decision, and a link to the audit
 * events of compliance controls. Owners also get the forms: attest (for controls Ward cannot
 * see) and decide (for addressable specifications, or ones that apply to some entities only).
 */
import { Alert, Anchor, Badge, Divider, Drawer, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Control } from '../../api/compliance-types';
import {
  controlEventsUrl,
  KIND_LABELS,
  localTime,
  RESPONSIBILITY_LABELS,
  STATE_COLORS,
  STATE_LABELS,
} from '../../lib/compliance-format';
import { AttestForm } from './attest-form';
import { AttestationDetails, DecisionDetails } from './attestation-details';
import { ControlStateBadge } from './control-state-badge';
import { DecisionForm, decisionsFor } from './decision-form';
import { EvidenceList } from './evidence-list';

interface Props {
  org: string;
  control: Control | undefined;
  /** Owners attest and decide (compliance.manage); everyone else reads. */
  manages: boolean;
  onClose: () => void;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={6}>
      <Title order={3} size="h5">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

function Body({ org, control: c, manages }: Omit<Props, 'onClose' | 'control'> & { control: Control }) {
  const live = c.check !== 'attestation';
  const decides = decisionsFor(c).length > 0;
  return (
    <Stack gap="md">
      <Group gap="xs">
        <ControlStateBadge state={c.state} />
        <Badge variant="outline" color="gray">
          {KIND_LABELS[c.kind]}
        </Badge>
        <Badge variant="outline" color="gray">
          Responsibility: {RESPONSIBILITY_LABELS[c.responsibility]}
        </Badge>
      </Group>
      <Text size="sm">
        {c.standard} · {STATE_LABELS[c.state]} since {localTime(c.since)}
        {c.previous_state ? ` (was ${STATE_LABELS[c.previous_state]})` : ''}
      </Text>
      <Alert
        color={STATE_COLORS[c.state]}
        variant="light"
        title={c.state === 'failing' ? 'What to fix' : 'What Ward found'}
        role={c.state === 'failing' ? 'alert' : 'status'}
        data-testid="control-message"
      >
        {c.message}
      </Alert>
      {live ? (
        <Section title="Live check">
          <Text size="sm">
            Ward checks <code>{c.check}</code>
            {c.threshold ? `: ${c.threshold}` : ''}.
          </Text>
          <EvidenceList evidence={c.evidence} />
        </Section>
      ) : null}
      {c.applies_when ? <Text size="sm">Applies only where {c.applies_when}.</Text> : null}
      {c.attestation ? (
        <Section title="Attestation">
          <AttestationDetails org={org} attestation={c.attestation} />
        </Section>
      ) : live ? null : (
        <Text size="sm">No document attested yet.</Text>
      )}
      {c.decision ? (
        <Section title="Decision">
          <DecisionDetails org={org} decision={c.decision} />
        </Section>
      ) : null}
      <Anchor component={Link} to={controlEventsUrl(org, c.id)} size="sm">
        This control's audit events (its changes, attestations, decisions)
      </Anchor>
      {manages && !live ? (
        <>
          <Divider />
          <Section title={c.attestation ? 'Attest again' : 'Attest'}>
            <AttestForm key={c.id} org={org} control={c} />
          </Section>
        </>
      ) : null}
      {manages && decides ? (
        <>
          <Divider />
          <Section title={c.decision ? 'Record a new decision' : 'Record a decision'}>
            <DecisionForm key={c.id} org={org} control={c} />
          </Section>
        </>
      ) : null}
    </Stack>
  );
}

export function ControlDrawer({ org, control, manages, onClose }: Props) {
  return (
    <Drawer
      opened={control !== undefined}
      onClose={onClose}
      position="right"
      size="lg"
      title={control ? `${control.citation} ${control.title}` : undefined}
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      {control ? <Body org={org} control={control} manages={manages} /> : null}
    </Drawer>
  );
}
