/**
 * @module pages/incidents/facts-forms
 * The facts the deadlines depend on: who knew when (164.404(a)(2); the discovery date is the
 * earliest among people other than the one who committed the breach), the affected counts per
 * State with those lacking contact information and the deceased, and whether the org acts here as
 * a business associate (and the covered entity's agent) with its agreement's notice period.
 */
import {
  Button,
  Checkbox,
  Group,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type Incident, useAddKnowledge, useUpdateIncident } from '../../api/incidents';
import { ErrorAlert } from '../../components/error-alert';

export function Knowledge({ org, incident, manages }: { org: string; incident: Incident; manages: boolean }) {
  const add = useAddKnowledge(org, incident.id);
  const [person, setPerson] = useState('');
  const [relation, setRelation] = useState<'workforce' | 'agent'>('workforce');
  const [knownOn, setKnownOn] = useState('');
  const [should, setShould] = useState(false);
  const [committed, setCommitted] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(
      {
        person,
        relation,
        known_on: knownOn,
        basis: should ? 'should_have_known' : 'knew',
        committed_breach: committed,
      },
      { onSuccess: () => setPerson('') },
    );
  };
  return (
    <Stack gap="xs" component="section" aria-labelledby="knowledge-title">
      <Title order={2} size="h4" id="knowledge-title">
        Who knew when
      </Title>
      {incident.knowledge.length === 0 ? (
        <Text size="sm">Nobody recorded yet.</Text>
      ) : (
        <Table aria-label="Who knew when">
          <Table.Tbody>
            {incident.knowledge.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>{k.known_on}</Table.Td>
                <Table.Td>
                  {k.person} ({k.relation}), {k.basis === 'knew' ? 'knew' : 'would have known'}
                  {k.committed_breach ? ' - committed the breach, not counted' : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {manages ? (
        <form onSubmit={submit} aria-label="Record who knew when">
          <Group align="flex-end" gap="sm">
            <TextInput
              label="Person"
              required
              value={person}
              onChange={(e) => setPerson(e.currentTarget.value)}
            />
            <Select
              label="Relation"
              data={[
                { value: 'workforce', label: 'workforce member' },
                { value: 'agent', label: 'agent' },
              ]}
              value={relation}
              onChange={(v) => setRelation((v as 'workforce' | 'agent') ?? 'workforce')}
              allowDeselect={false}
            />
            <TextInput
              label="Knew on"
              type="date"
              required
              value={knownOn}
              onChange={(e) => setKnownOn(e.currentTarget.value)}
            />
            <Checkbox
              label="by reasonable diligence"
              checked={should}
              onChange={(e) => setShould(e.currentTarget.checked)}
            />
            <Checkbox
              label="committed the breach"
              checked={committed}
              onChange={(e) => setCommitted(e.currentTarget.checked)}
            />
            <Button type="submit" loading={add.isPending}>
              Record
            </Button>
          </Group>
          <ErrorAlert error={add.error} title="Not recorded" />
        </form>
      ) : null}
    </Stack>
  );
}

/** "MA=501, NH=20" ⇄ { MA: 501, NH: 20 } */
const statesText = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([s, n]) => `${s}=${n}`)
    .join(', ');
function parseStates(text: string): Record<string, number> | string {
  const out: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([^=]+?)\s*=\s*(\d+)$/.exec(part);
    if (!m) return `"${part}" is not STATE=COUNT`;
    out[m[1] as string] = Number(m[2]);
  }
  return out;
}

export function AffectedForm({ org, incident }: { org: string; incident: Incident }) {
  const update = useUpdateIncident(org, incident.id);
  const a = incident.affected;
  const ba = incident.business_associate;
  const [states, setStates] = useState(statesText(a.by_state));
  const [insufficient, setInsufficient] = useState<number>(a.insufficient_contact);
  const [deceased, setDeceased] = useState<number>(a.deceased);
  const [imminent, setImminent] = useState(a.misuse_imminent);
  const [isBa, setIsBa] = useState(incident.role === 'business_associate');
  const [ce, setCe] = useState(ba?.covered_entity ?? '');
  const [days, setDays] = useState<number | string>(ba?.agreement_days ?? '');
  const [agent, setAgent] = useState<string | null>(
    ba?.agent === null || !ba ? null : ba.agent ? 'yes' : 'no',
  );
  const [problem, setProblem] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const by_state = parseStates(states);
    if (typeof by_state === 'string') return setProblem(by_state);
    setProblem('');
    update.mutate({
      affected: { by_state, insufficient_contact: insufficient, deceased, misuse_imminent: imminent },
      role: isBa ? 'business_associate' : 'covered_entity',
      business_associate: isBa
        ? {
            covered_entity: ce,
            agreement_days: typeof days === 'number' ? days : null,
            agent: agent === null ? null : agent === 'yes',
          }
        : null,
    });
  };
  return (
    <form onSubmit={submit} aria-label="Affected individuals">
      <Stack gap="xs" component="section" aria-labelledby="affected-title">
        <Title order={2} size="h4" id="affected-title">
          Affected individuals ({a.total})
        </Title>
        <TextInput
          label="Per State or jurisdiction"
          description="STATE=COUNT, separated by commas, e.g. MA=501, NH=20"
          value={states}
          onChange={(e) => setStates(e.currentTarget.value)}
          error={problem || undefined}
        />
        <Group>
          <NumberInput
            label="Insufficient contact information"
            min={0}
            value={insufficient}
            onChange={(v) => setInsufficient(Number(v) || 0)}
          />
          <NumberInput
            label="Deceased (next of kin known)"
            min={0}
            value={deceased}
            onChange={(v) => setDeceased(Number(v) || 0)}
          />
        </Group>
        <Checkbox
          label="Misuse may be imminent (urgent telephone notice)"
          checked={imminent}
          onChange={(e) => setImminent(e.currentTarget.checked)}
        />
        <Checkbox
          label="Here the organization is a business associate of a covered entity"
          checked={isBa}
          onChange={(e) => setIsBa(e.currentTarget.checked)}
        />
        {isBa ? (
          <Group align="flex-end">
            <TextInput
              label="Covered entity"
              required
              value={ce}
              onChange={(e) => setCe(e.currentTarget.value)}
            />
            <NumberInput
              label="Agreement's notice period (days)"
              min={1}
              max={60}
              value={days}
              onChange={setDays}
            />
            <Select
              label="Acting as the covered entity's agent?"
              data={[
                { value: 'yes', label: 'yes: its clock starts at our discovery' },
                { value: 'no', label: 'no: independent contractor' },
              ]}
              value={agent}
              onChange={setAgent}
              placeholder="not said"
            />
          </Group>
        ) : null}
        <ErrorAlert error={update.error} title="Not saved" />
        <Button type="submit" loading={update.isPending} style={{ alignSelf: 'flex-start' }}>
          Save the counts
        </Button>
      </Stack>
    </form>
  );
}
