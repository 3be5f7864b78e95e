/**
 * @module pages/incidents/assessment-form
 * The 164.402 risk assessment: each of the four factors with its finding, evidence and whether it
 * supports a low probability of compromise; the three exclusions with their basis; whether the
 * PHI was secured. Ward derives the determination (a breach unless all four support a low
 * probability, an exclusion applies with its basis, or the PHI was secured) and shows what is open.
 */
import { Badge, Button, Checkbox, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type AssessmentBody, type Incident, useAssess } from '../../api/incidents';
import { ErrorAlert } from '../../components/error-alert';

const FACTORS = [
  ['nature', 'Nature and extent of the PHI, identifiers, likelihood of re-identification'],
  ['recipient', 'The unauthorized person who used it or to whom it was disclosed'],
  ['acquired', 'Whether the PHI was actually acquired or viewed'],
  ['mitigation', 'The extent to which the risk has been mitigated'],
] as const;
const EXCLUSIONS = [
  ['i', '(i) unintentional, good-faith access by a workforce member, not further used'],
  ['ii', '(ii) inadvertent disclosure between authorized persons, not further used'],
  ['iii', '(iii) the recipient could not reasonably have retained it'],
] as const;

type Factor = { finding: string; evidence: string; supports_low_probability: boolean };
type Factors = Record<(typeof FACTORS)[number][0], Factor>;

export function AssessmentForm({
  org,
  incident,
  manages,
}: {
  org: string;
  incident: Incident;
  manages: boolean;
}) {
  const assess = useAssess(org, incident.id);
  const now = incident.assessment;
  const [factors, setFactors] = useState<Factors>(
    Object.fromEntries(
      FACTORS.map(([k]) => [
        k,
        { finding: '', evidence: '', supports_low_probability: false, ...(now?.factors[k] ?? {}) },
      ]),
    ) as Factors,
  );
  const [identifiers, setIdentifiers] = useState(now?.factors.nature?.identifiers?.join(', ') ?? '');
  const [reid, setReid] = useState(now?.factors.nature?.reidentification ?? '');
  const [exclusions, setExclusions] = useState<Record<string, { applies: boolean; basis: string }>>(
    Object.fromEntries(EXCLUSIONS.map(([k]) => [k, now?.exclusions[k] ?? { applies: false, basis: '' }])),
  );
  const [secured, setSecured] = useState(now ? !now.unsecured : false);
  const [securedBasis, setSecuredBasis] = useState(now?.secured_basis ?? '');
  const set = (k: keyof Factors, patch: Partial<Factor>) =>
    setFactors((f) => ({ ...f, [k]: { ...f[k], ...patch } }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ids = identifiers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const body: AssessmentBody = {
      factors: {
        ...factors,
        nature: {
          ...factors.nature,
          ...(ids.length ? { identifiers: ids } : {}),
          ...(reid ? { reidentification: reid } : {}),
        },
      },
      exclusions,
      unsecured: !secured,
      ...(secured ? { secured_basis: securedBasis } : {}),
    };
    assess.mutate(body);
  };
  const d = incident.determination;
  return (
    <form onSubmit={submit} aria-label="Risk assessment">
      <Stack gap="xs" component="section" aria-labelledby="assessment-title">
        <Title order={2} size="h4" id="assessment-title">
          Risk assessment (164.402)
        </Title>
        <Group gap="xs">
          <Badge color={d.determination === 'breach' ? 'red' : 'green'} variant="light">
            {d.determination === 'breach' ? 'Breach' : 'Not a breach'}
          </Badge>
          <Text size="sm">{d.reason}</Text>
        </Group>
        {d.open.length ? <Text size="xs">Open: {d.open.join('; ')}</Text> : null}
        {FACTORS.map(([k, label]) => (
          <fieldset key={k} disabled={!manages} style={{ border: 'none', padding: 0 }}>
            <legend>
              <Text fw={600} size="sm">
                {label}
              </Text>
            </legend>
            <Group grow align="flex-start">
              <Textarea
                label={`Finding (${k})`}
                autosize
                value={factors[k].finding}
                onChange={(e) => set(k, { finding: e.currentTarget.value })}
              />
              <Textarea
                label={`Evidence (${k})`}
                autosize
                value={factors[k].evidence}
                onChange={(e) => set(k, { evidence: e.currentTarget.value })}
              />
            </Group>
            <Checkbox
              mt={4}
              label={`Supports a low probability of compromise (${k})`}
              checked={factors[k].supports_low_probability}
              onChange={(e) => set(k, { supports_low_probability: e.currentTarget.checked })}
            />
            {k === 'nature' ? (
              <Group grow>
                <TextInput
                  label="Identifiers involved"
                  description="comma separated"
                  value={identifiers}
                  onChange={(e) => setIdentifiers(e.currentTarget.value)}
                />
                <TextInput
                  label="Likelihood of re-identification"
                  value={reid}
                  onChange={(e) => setReid(e.currentTarget.value)}
                />
              </Group>
            ) : null}
          </fieldset>
        ))}
        <fieldset disabled={!manages} style={{ border: 'none', padding: 0 }}>
          <legend>
            <Text fw={600} size="sm">
              Exclusions (164.402(1))
            </Text>
          </legend>
          {EXCLUSIONS.map(([k, label]) => (
            <Group key={k} align="flex-end">
              <Checkbox
                label={label}
                checked={exclusions[k]?.applies ?? false}
                onChange={(e) =>
                  setExclusions((x) => ({
                    ...x,
                    [k]: { basis: x[k]?.basis ?? '', applies: e.currentTarget.checked },
                  }))
                }
              />
              <TextInput
                label={`Basis (${k})`}
                value={exclusions[k]?.basis ?? ''}
                onChange={(e) =>
                  setExclusions((x) => ({
                    ...x,
                    [k]: { applies: x[k]?.applies ?? false, basis: e.currentTarget.value },
                  }))
                }
              />
            </Group>
          ))}
        </fieldset>
        <Checkbox
          label="The PHI was secured: encrypted per HHS guidance, its key not compromised"
          checked={secured}
          disabled={!manages}
          onChange={(e) => setSecured(e.currentTarget.checked)}
        />
        {secured ? (
          <TextInput
            label="How it was secured"
            value={securedBasis}
            onChange={(e) => setSecuredBasis(e.currentTarget.value)}
          />
        ) : null}
        <ErrorAlert error={assess.error} title="The assessment was not recorded" />
        {manages ? (
          <Button type="submit" loading={assess.isPending} style={{ alignSelf: 'flex-start' }}>
            Record the assessment
          </Button>
        ) : null}
      </Stack>
    </form>
  );
}
