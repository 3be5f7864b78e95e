/**
 * @module pages/incidents/affected-from-access
 * The incident's affected counts per State from the accounting of access: which of the org's
 * people (a roster CSV, identifier and State) a person's statements reached in one project within
 * a window. The roster stays in this page's memory and the request body; Ward keeps only counts.
 */
import { Button, FileInput, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { parseRoster } from '../../api/accounting';
import { type Incident, useAffectedFromAccess } from '../../api/incidents';
import { useProjects } from '../../api/projects';
import { ErrorAlert } from '../../components/error-alert';

export function AffectedFromAccess({ org, incident }: { org: string; incident: Incident }) {
  const count = useAffectedFromAccess(org, incident.id);
  const projects = useProjects(org);
  const [project, setProject] = useState('');
  const [actor, setActor] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [roster, setRoster] = useState<File | null>(null);
  const [rosterError, setRosterError] = useState<unknown>(null);
  const options = (projects.data?.pages ?? [])
    .flatMap((p) => p.projects)
    .map((p) => ({ value: p.id, label: p.name }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRosterError(null);
    try {
      const candidates = parseRoster(roster ? await roster.text() : '');
      count.mutate({
        project,
        actor: actor.trim(),
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        candidates: candidates.map((c) => ({ identifier: c.identifier, state: c.state })),
      });
    } catch (err) {
      setRosterError(err);
    }
  };
  return (
    <Stack gap="xs">
      <Title order={3} size="h5" id="affected-from-access">
        Count from the accounting of access
      </Title>
      <Text size="sm" c="dimmed">
        Which people on your roster a person's statements reached in a project, counted per State. The roster
        is not kept.
      </Text>
      <form onSubmit={submit} aria-labelledby="affected-from-access">
        <Group align="flex-end">
          <NativeSelect
            label="Project"
            required
            data={[{ value: '', label: 'Choose a project' }, ...options]}
            value={project}
            onChange={(e) => setProject(e.currentTarget.value)}
            w={180}
          />
          <TextInput
            label="Person"
            placeholder="bob@acme.test"
            required
            value={actor}
            onChange={(e) => setActor(e.currentTarget.value)}
          />
          <TextInput
            label="From"
            type="datetime-local"
            required
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
          />
          <TextInput
            label="To"
            type="datetime-local"
            required
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
          />
          <FileInput
            label="Roster (CSV)"
            description="identifier,state"
            required
            accept=".csv,text/csv"
            value={roster}
            onChange={setRoster}
            w={200}
          />
          <Button type="submit" loading={count.isPending} disabled={!project}>
            Count affected
          </Button>
        </Group>
      </form>
      <ErrorAlert error={count.error ?? rosterError} title="The affected individuals could not be counted" />
    </Stack>
  );
}
