/**
 * @module pages/audit/audit-filters
 * The audit page's filters: actor, action (exact or a prefix such as `project.*`), project,
 * outcome, target (with an action) and a time range. They apply on submit; the page keeps them in its address. Ward checks
 * them and a refusal shows above the list with its own message.
 */
import { Button, Group, NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { AuditFilters, Outcome } from '../../api/audit-types';
import { fromLocalInput, OUTCOMES, RANGES, type Range, toLocalInput } from '../../lib/audit-format';

interface Props {
  initial: AuditFilters;
  initialRange: Range;
  onApply: (filters: AuditFilters, range: Range) => void;
}

export function AuditFilterForm({ initial, initialRange, onApply }: Props) {
  const [actor, setActor] = useState(initial.actor ?? '');
  const [action, setAction] = useState(initial.action ?? '');
  const [project, setProject] = useState(initial.project ?? '');
  const [outcome, setOutcome] = useState<string>(initial.outcome ?? '');
  const [target, setTarget] = useState(initial.target ?? '');
  const [range, setRange] = useState<Range>(initialRange);
  const [since, setSince] = useState(toLocalInput(initial.since));
  const [until, setUntil] = useState(toLocalInput(initial.until));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(
      {
        actor: actor.trim() || undefined,
        action: action.trim() || undefined,
        project: project.trim() || undefined,
        outcome: (outcome || undefined) as Outcome | undefined,
        target: target.trim() || undefined,
        since: fromLocalInput(since),
        until: fromLocalInput(until),
      },
      range,
    );
  };

  return (
    <form onSubmit={submit} aria-label="Filter audit events">
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm">
        <TextInput
          label="Actor"
          description="An email, a user id, or ward"
          value={actor}
          onChange={(e) => setActor(e.currentTarget.value)}
        />
        <TextInput
          label="Action"
          description="Exact (org.update) or a prefix (project.*)"
          value={action}
          onChange={(e) => setAction(e.currentTarget.value)}
        />
        <TextInput
          label="Project"
          description="A project id or name"
          value={project}
          onChange={(e) => setProject(e.currentTarget.value)}
        />
        <TextInput
          label="Target"
          description="What the events acted on, by id (with an action)"
          value={target}
          onChange={(e) => setTarget(e.currentTarget.value)}
        />
        <NativeSelect
          label="Outcome"
          value={outcome}
          onChange={(e) => setOutcome(e.currentTarget.value)}
          data={[{ value: '', label: 'Any outcome' }, ...OUTCOMES]}
        />
        <NativeSelect
          label="Time range"
          value={range}
          onChange={(e) => setRange(e.currentTarget.value as Range)}
          data={Object.entries(RANGES).map(([value, r]) => ({ value, label: r.label }))}
        />
        {range === 'custom' ? (
          <Group grow align="flex-start">
            <TextInput
              type="datetime-local"
              label="Since"
              description="Your local time"
              value={since}
              onChange={(e) => setSince(e.currentTarget.value)}
            />
            <TextInput
              type="datetime-local"
              label="Until"
              description="Your local time"
              value={until}
              onChange={(e) => setUntil(e.currentTarget.value)}
            />
          </Group>
        ) : null}
      </SimpleGrid>
      <Group mt="sm">
        <Button type="submit">Apply filters</Button>
        <Button variant="default" onClick={() => onApply({}, 'any')}>
          Clear filters
        </Button>
      </Group>
    </form>
  );
}
