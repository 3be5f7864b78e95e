/**
 * @module pages/new-project-form
 * "New project": name, region type (Standard, or HIPAA compliant for orgs with HIPAA enabled),
 * region of that type (with its storage encryption as Ward found it), and the audit log level
 * that follows from the type (lib/project-form.ts). On success, goes to the project's page to
 * watch it provision.
 */
import { Button, NativeSelect, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useCreateProject, useRegions } from '../api/projects';
import type { Org } from '../api/types';
import { ErrorAlert } from '../components/error-alert';
import { Loading } from '../components/loading';
import { NAME_RULE } from '../lib/names';
import {
  describeRegion,
  levelOf,
  REGION_TYPES,
  type RegionType,
  regionsOf,
  typesFor,
} from '../lib/project-form';

export function NewProjectForm({ org, orgRef }: { org: Org; orgRef: string }) {
  const regions = useRegions();
  const create = useCreateProject(orgRef);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [chosenType, setType] = useState<RegionType>('standard');
  const [regionId, setRegionId] = useState<string>();

  if (regions.isPending) return <Loading what="regions" />;
  if (regions.error) return <ErrorAlert error={regions.error} title="Could not list regions" />;

  const types = typesFor(regions.data, org.hipaa_enabled);
  const type = types.includes(chosenType) ? chosenType : (types[0] ?? 'standard');
  const choices = regionsOf(regions.data, type);
  const region = choices.find((r) => r.id === regionId) ?? choices[0];
  const level = levelOf(type);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!region) return;
    create.mutate(
      { name: name.trim(), region_id: region.id, settings: { audit_log_level: level } },
      { onSuccess: (p) => navigate(`/projects/${p.id}`) },
    );
  };

  return (
    <form onSubmit={submit} aria-labelledby="new-project-title">
      <Stack gap="sm" maw={560}>
        <Title order={2} size="h4" id="new-project-title">
          New project
        </Title>
        <Text size="sm" c="dimmed">
          A project is a dedicated PostgreSQL cluster.
        </Text>
        <TextInput
          label="Project name"
          description={NAME_RULE}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <Radio.Group
          label="Region type"
          description={
            org.hipaa_enabled
              ? 'HIPAA compliant regions hold PHI: their projects have the hipaa audit log level'
              : 'HIPAA compliant regions are offered to organizations with HIPAA enabled'
          }
          value={type}
          onChange={(v) => {
            setType(v as RegionType);
            setRegionId(undefined);
          }}
        >
          <Stack gap="xs" mt="xs">
            {types.map((t) => (
              <Radio key={t} value={t} label={REGION_TYPES[t]} />
            ))}
          </Stack>
        </Radio.Group>
        <NativeSelect
          label="Region"
          description={describeRegion(region)}
          value={region?.id ?? ''}
          onChange={(e) => setRegionId(e.currentTarget.value)}
          data={choices.map((r) => ({ value: r.id, label: r.name }))}
        />
        <Text size="sm">
          Audit log level: <b>{level}</b>
          {level === 'hipaa' ? ' (needs TLS; cannot be changed later)' : ''}
        </Text>
        <ErrorAlert error={create.error} title="The project was not created" />
        <div>
          <Button type="submit" loading={create.isPending} disabled={!region}>
            Create project
          </Button>
        </div>
      </Stack>
    </form>
  );
}
