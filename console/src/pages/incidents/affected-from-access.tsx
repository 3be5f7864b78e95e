/**
 * @module pages/incidents/affected-from-access
 * The incident's affected counts per State from the accounting of access: which of the org's
 * people (a roster CSV, identifier and State) a person's statements reached in one project within
 * a window. The roster stays in this page's memory and the request body; Ward keeps only counts.
 */
import { Button, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type Incident, useAffectedFromAccess } from '../../api/incidents';
import { useProjects } from '../../api/projects';
import { ErrorAlert } from '../../components/error-alert';
import { useReachFields } from '../../components/reach-fields';

export function AffectedFromAccess({ org, incident }: { org: string; incident: Incident }) {
  const count = useAffectedFromAccess(org, incident.id);
  const projects = useProjects(org);
  const [project, setProject] = useState('');
  const reach = useReachFields();
  const [rosterError, setRosterError] = useState<unknown>(null);
  const options = (projects.data?.pages ?? [])
    .flatMap((p) => p.projects)
    .map((p) => ({ value: p.id, label: p.name }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRosterError(null);
    try {
      count.mutate({ project, ...(await reach.read()) });
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
          {reach.fields}
          <Button type="submit" loading={count.isPending} disabled={!project}>
            Count affected
          </Button>
        </Group>
      </form>
      <ErrorAlert error={count.error ?? rosterError} title="The affected individuals could not be counted" />
    </Stack>
  );
}
