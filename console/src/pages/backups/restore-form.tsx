/**
 * @module pages/backups/restore-form
 * "Restore to region": a new project from one of the backups, or from a moment inside the
 * restorable window, in a region Ward accepts for it (lib/project-form.ts restoreRegions: a HIPAA
 * project only into hipaa regions; the source's own region by default). Restoring a standard
 * project into a HIPAA region is how it moves into HIPAA; the operation ends with a verification
 * report.
 */
import { Anchor, Button, NativeSelect, Radio, Stack, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import {
  type BackupList,
  type VerificationReport as Report,
  type RestoreBody,
  useOperation,
  useRestore,
} from '../../api/backups';
import { useOrg } from '../../api/orgs';
import { useRegions } from '../../api/projects';
import type { Project } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { restoreRegions } from '../../lib/project-form';
import { OperationProgress } from './operation-progress';
import { VerificationReport } from './verification-report';

export function RestoreForm({ source, list }: { source: Project; list: BackupList }) {
  const regions = useRegions();
  const org = useOrg(source.org_id);
  const restore = useRestore(source.id);
  const op = useOperation(restore.data?.id, source.id).data;
  const [name, setName] = useState('');
  const [region, setRegion] = useState('');
  const [from, setFrom] = useState<'backup' | 'time'>('backup');
  const [backup, setBackup] = useState('');
  const [time, setTime] = useState('');
  const choices = restoreRegions(regions.data ?? [], source, org.data?.hipaa_enabled ?? false);
  const chosenRegion = choices.some((r) => r.id === region) ? region : (choices[0]?.id ?? '');
  const chosenBackup = backup || list.backups[0]?.id || '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: RestoreBody = { name: name.trim(), region_id: chosenRegion };
    if (from === 'backup') body.backup_id = chosenBackup;
    else body.target_time = time.trim();
    restore.mutate(body);
  };
  const report = op?.status === 'succeeded' ? (op.result?.report as Report | null | undefined) : undefined;

  return (
    <form onSubmit={submit} aria-labelledby="restore-title">
      <Stack gap="sm" maw={560}>
        <Title order={3} size="h5" id="restore-title">
          Restore to region
        </Title>
        <TextInput
          label="New project name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <NativeSelect
          label="Region"
          value={chosenRegion}
          onChange={(e) => setRegion(e.currentTarget.value)}
          data={choices.map((r) => ({ value: r.id, label: `${r.name} (${r.type})` }))}
        />
        <Radio.Group label="Restore" value={from} onChange={(v) => setFrom(v as 'backup' | 'time')}>
          <Stack gap="xs" mt="xs">
            <Radio value="backup" label="A backup" />
            <Radio value="time" label="A moment in time" />
          </Stack>
        </Radio.Group>
        {from === 'backup' ? (
          <NativeSelect
            label="Backup"
            value={chosenBackup}
            onChange={(e) => setBackup(e.currentTarget.value)}
            data={list.backups.map((b) => ({
              value: b.id,
              label: `${b.id} (${b.type}, ${new Date(b.stopped_at).toLocaleString()})`,
            }))}
          />
        ) : (
          <TextInput
            label="Moment (UTC, ISO 8601)"
            description={
              list.restorable ? `Between ${list.restorable.from} and ${list.restorable.to}` : 'No backup yet'
            }
            placeholder="2026-11-22T10:15:00Z"
            value={time}
            onChange={(e) => setTime(e.currentTarget.value)}
          />
        )}
        <ErrorAlert error={restore.error} title="The restore was not started" />
        <div>
          <Button type="submit" loading={restore.isPending} disabled={!list.restorable}>
            Restore
          </Button>
        </div>
        {op ? <OperationProgress op={op} /> : null}
        {op?.status === 'succeeded' && op.target_project_id ? (
          <Anchor component={Link} to={`/projects/${op.target_project_id}`}>
            Open the new project
          </Anchor>
        ) : null}
        {report ? <VerificationReport report={report} /> : null}
      </Stack>
    </form>
  );
}
