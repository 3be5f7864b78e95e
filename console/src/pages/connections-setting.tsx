/**
 * @module pages/connections-setting
 * On a project's page: whether the gateway takes plaintext connections. TLS is required unless a
 * standard project's owner or admin allows plaintext, and then only from the gateway's own
 * machine (loopback). HIPAA projects always require TLS; the HIPAA tab lists projects that allow it.
 */
import { Group, Radio, Stack, Text } from '@mantine/core';
import { useSetPlaintext } from '../api/db';
import type { Project } from '../api/types';
import { ErrorAlert } from '../components/error-alert';

/** The setting in words, as the project's details and the CLI's `project show` say it. */
export const connectionsLabel = (p: Project): string =>
  p.settings.allow_plaintext ? 'Plaintext allowed from loopback' : 'TLS required';

export function ConnectionsSetting({ project, canManage }: { project: Project; canManage: boolean }) {
  const set = useSetPlaintext(project.id);
  const hipaa = project.settings.audit_log_level === 'hipaa';
  const description = hipaa
    ? 'HIPAA projects always require TLS (sslmode=verify-full with Ward’s CA certificate).'
    : `TLS is required by default. A tool on the gateway’s own machine that cannot use TLS may connect in plaintext from 127.0.0.1 or ::1 once an owner or admin allows it; every other client still needs TLS.${canManage ? '' : ' Only an owner or admin changes this.'}`;
  return (
    <Stack gap="xs">
      <Radio.Group
        label="Connections"
        description={description}
        value={project.settings.allow_plaintext ? 'allowed' : 'refused'}
        onChange={(v) => set.mutate(v === 'allowed')}
      >
        <Group mt="xs">
          <Radio value="refused" label="TLS required" disabled={!canManage || set.isPending} />
          <Radio
            value="allowed"
            label="Plaintext allowed from loopback"
            disabled={hipaa || !canManage || set.isPending}
          />
        </Group>
      </Radio.Group>
      {set.isSuccess ? (
        <Text size="sm" role="status">
          {set.data.settings.allow_plaintext
            ? 'Plaintext is now allowed from loopback; new connections from elsewhere still need TLS.'
            : 'TLS is now required for every connection; plaintext sessions end within a second.'}
        </Text>
      ) : null}
      <ErrorAlert error={set.error} title="Could not change how the project takes connections" />
    </Stack>
  );
}
