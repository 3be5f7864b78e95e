/**
 * @module pages/new-project-form
 * "New project": name, region (grouped Standard / HIPAA compliant) and audit log level. Region and
 * level move together (lib/project-form.ts); HIPAA choices are disabled, with the reason, unless
 * the org has HIPAA enabled. On success, goes to the project's page to watch it provision.
 */
import { Button, NativeSelect, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useCreateProject, useRegions } from '../api/projects';
import type { AuditLogLevel, Org, Region } from '../api/types';
import { ErrorAlert } from '../components/error-alert';
import { Loading } from '../components/loading';
import { NAME_RULE } from '../lib/names';
import { defaultRegion, levelBlocked, levelOf, regionFor, regionOptions } from '../lib/project-form';

function describe(region: Region | undefined): string {
  if (!region) return 'No region can be used';
  return `${region.id}: provider ${region.provider}, storage encryption ${region.storage_encryption}`;
}

export function NewProjectForm({ org, orgRef }: { org: Org; orgRef: string }) {
  const regions = useRegions();
  const create = useCreateProject(orgRef);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [regionId, setRegionId] = useState<string>();

  if (regions.isPending) return <Loading what="regions" />;
  if (regions.error) return <ErrorAlert error={regions.error} title="Could not list regions" />;

  const all = regions.data;
  const hipaa = org.hipaa_enabled;
  const region = all.find((r) => r.id === regionId) ?? defaultRegion(all, hipaa);
  const level: AuditLogLevel = region ? levelOf(region) : 'standard';
  const standardBlocked = levelBlocked('standard', all, hipaa);
  const hipaaBlocked = levelBlocked('hipaa', all, hipaa);

  const chooseLevel = (value: string) => {
    const next = regionFor(value === 'hipaa' ? 'hipaa' : 'standard', all, hipaa, region);
    if (next) setRegionId(next.id);
  };

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
      <Stack gap="sm" maw={520}>
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
        <NativeSelect
          label="Region"
          description={describe(region)}
          value={region?.id ?? ''}
          onChange={(e) => setRegionId(e.currentTarget.value)}
          data={regionOptions(all, hipaa)}
        />
        <Radio.Group label="Audit log level" value={level} onChange={chooseLevel}>
          <Stack gap="xs" mt="xs">
            <Radio
              value="standard"
              label="Standard"
              description={standardBlocked ?? 'For data without PHI; runs in standard regions'}
              disabled={standardBlocked !== undefined}
            />
            <Radio
              value="hipaa"
              label="HIPAA"
              description={
                hipaaBlocked ??
                'For PHI: runs only in HIPAA compliant regions, needs TLS, cannot be changed later'
              }
              disabled={hipaaBlocked !== undefined}
            />
          </Stack>
        </Radio.Group>
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
