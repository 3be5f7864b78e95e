/**
 * @module pages/access/settings-page
 * An organization's security settings (owners and admins): the session policy, "require MFA",
 * single sign-on and the security alert webhook.
 */
import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  NumberInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSetWebhook, useUpdateOrgSettings, useWebhook } from '../../api/access';
import type { OrgSettings } from '../../api/access-types';
import { useOrg } from '../../api/orgs';
import type { Org } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { OrgHeader, useOrgRef } from './org-header';
import { SsoForm } from './sso-form';

function SessionPolicy({ org }: { org: Org }) {
  const update = useUpdateOrgSettings(org.name);
  const settings = org.settings as OrgSettings;
  const [idle, setIdle] = useState<number | string>(
    settings.session_idle_minutes ?? (org.hipaa_enabled ? 15 : 60),
  );
  const [absolute, setAbsolute] = useState<number | string>(settings.session_absolute_hours ?? 12);
  const [mfa, setMfa] = useState(settings.require_mfa === true || org.hipaa_enabled);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({
      session_idle_minutes: Number(idle),
      session_absolute_hours: Number(absolute),
      ...(org.hipaa_enabled ? {} : { require_mfa: mfa }),
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="session-policy">
      <Stack gap="xs">
        <Title order={2} size="h4" id="session-policy">
          Sessions and sign-in
        </Title>
        <ErrorAlert error={update.error} title="The settings were not saved" />
        {update.isSuccess ? (
          <Alert color="green" variant="light" role="status">
            Saved. Open sessions follow the new policy at once.
          </Alert>
        ) : null}
        <Group align="flex-end">
          <NumberInput
            label="Idle timeout (minutes)"
            description="5 to 60"
            min={5}
            max={60}
            value={idle}
            onChange={setIdle}
          />
          <NumberInput
            label="Session lifetime (hours)"
            description="1 to 24"
            min={1}
            max={24}
            value={absolute}
            onChange={setAbsolute}
          />
        </Group>
        <Checkbox
          label="Require two-step verification for every member"
          description={org.hipaa_enabled ? 'Always on while HIPAA is enabled' : undefined}
          checked={mfa}
          disabled={org.hipaa_enabled}
          onChange={(e) => setMfa(e.currentTarget.checked)}
        />
        <Button type="submit" loading={update.isPending} w="fit-content">
          Save session policy
        </Button>
      </Stack>
    </form>
  );
}

function Webhook({ org }: { org: string }) {
  const current = useWebhook(org);
  const set = useSetWebhook(org);
  const [url, setUrl] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set.mutate(url.trim());
  };
  return (
    <form onSubmit={submit} aria-labelledby="alert-webhook">
      <Stack gap="xs">
        <Title order={2} size="h4" id="alert-webhook">
          Security alerts
        </Title>
        <Text size="sm">
          Break-glass access is posted here, signed with HMAC-SHA-256 (header x-ward-signature).
        </Text>
        {current.data ? <Text size="sm">Now: {current.data.url}</Text> : null}
        {set.data ? (
          <Alert
            color="yellow"
            variant="light"
            title="Copy the signing secret now; Ward cannot show it again"
          >
            <Code>{set.data.secret}</Code>
          </Alert>
        ) : null}
        <ErrorAlert error={set.error} title="The webhook was not set" />
        <Group align="flex-end">
          <TextInput
            label="Webhook URL"
            placeholder="https://alerts.example.org/ward"
            required
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            miw={360}
          />
          <Button type="submit" loading={set.isPending}>
            Set webhook
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function SettingsPage() {
  const ref = useOrgRef();
  const org = useOrg(ref);
  return (
    <Stack gap="xl">
      <OrgHeader title="Settings" />
      {org.isPending ? <Loading what="the organization" /> : null}
      <ErrorAlert error={org.error} />
      {org.data ? <SessionPolicy org={org.data} /> : null}
      <SsoForm org={ref} />
      <Webhook org={ref} />
    </Stack>
  );
}
