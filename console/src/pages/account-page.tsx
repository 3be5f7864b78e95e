/**
 * @module pages/account-page
 * Your account: two-step verification (enroll, recovery codes left, remove), personal API
 * tokens, and this session's limits.
 */
import { Badge, Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useMfaStatus, useRemoveTotp, useSession } from '../api/mfa';
import { ErrorAlert } from '../components/error-alert';
import { Loading } from '../components/loading';
import { TotpEnrollment } from '../components/totp-enrollment';
import { usePageTitle } from '../lib/use-page-title';
import { PersonalTokens } from './personal-tokens';

function RemoveTotp() {
  const remove = useRemoveTotp();
  const [code, setCode] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    remove.mutate(code.trim());
  };
  return (
    <form onSubmit={submit} aria-label="Turn off two-step verification">
      <Stack gap="xs">
        <ErrorAlert error={remove.error} title="Two-step verification stays on" />
        <Group align="flex-end">
          <TextInput
            label="Current code"
            required
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
          />
          <Button type="submit" color="red" variant="outline" loading={remove.isPending}>
            Turn off
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function AccountPage() {
  usePageTitle('Account');
  const mfa = useMfaStatus();
  const session = useSession();
  if (mfa.isPending) return <Loading what="your account" />;
  if (mfa.error) return <ErrorAlert error={mfa.error} />;
  const s = mfa.data;
  return (
    <Stack>
      <Title order={1} size="h2">
        Account
      </Title>
      <Title order={2} size="h4">
        Two-step verification
      </Title>
      <Group gap="xs">
        <Badge color={s.totp === 'enabled' ? 'green' : 'gray'}>{s.totp === 'enabled' ? 'on' : 'off'}</Badge>
        {s.required ? <Badge variant="outline">required by your organization</Badge> : null}
      </Group>
      {s.totp === 'enabled' ? (
        <>
          <Text size="sm">{s.recovery_codes_left} recovery codes left.</Text>
          {s.required ? null : <RemoveTotp />}
        </>
      ) : (
        <TotpEnrollment />
      )}
      <PersonalTokens />
      {session.data ? (
        <Text size="sm" c="dimmed">
          This session ends {new Date(session.data.expires_at).toLocaleString()}
          {session.data.idle_minutes
            ? `, or after ${session.data.idle_minutes} minutes without activity`
            : ''}
          .
        </Text>
      ) : null}
    </Stack>
  );
}
