/**
 * @module pages/access/service-accounts-page
 * An org's service accounts: create one with a role, create scoped expiring tokens for it (the
 * secret is shown once), revoke them, delete the account.
 */
import {
  Alert,
  Button,
  Code,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import {
  useCreateServiceAccount,
  useCreateServiceToken,
  useDeleteServiceAccount,
  useRevokeServiceToken,
  useServiceAccounts,
  useServiceTokens,
} from '../../api/access';
import type { ServiceAccount, ServiceAccountRole } from '../../api/access-types';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { ScopePicker, type TokenScope } from '../../components/scope-picker';
import { OrgHeader, useOrgRef } from './org-header';

const ROLES: ServiceAccountRole[] = ['admin', 'developer', 'auditor', 'member'];

function Tokens({ org, sa }: { org: string; sa: ServiceAccount }) {
  const tokens = useServiceTokens(org, sa.id);
  const create = useCreateServiceToken(org, sa.id);
  const revoke = useRevokeServiceToken(org, sa.id);
  const [name, setName] = useState('');
  const [days, setDays] = useState<number | string>(30);
  const [scopes, setScopes] = useState<TokenScope[]>(['projects:read']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), scopes, expires_in_days: Number(days) });
  };
  return (
    <Stack gap="xs" pl="md">
      {create.data?.token ? (
        <Alert
          color="yellow"
          variant="light"
          title={`Token ${create.data.name}: copy it now, Ward cannot show it again`}
        >
          <Code data-testid="new-token">{create.data.token}</Code>
        </Alert>
      ) : null}
      <ErrorAlert error={tokens.error ?? create.error ?? revoke.error} title="Token" />
      {tokens.data?.map((t) => (
        <Group key={t.id} gap="xs">
          <Text size="sm">
            {t.name} · {t.scopes.join(' ')} · expires {new Date(t.expires_at).toLocaleDateString()}
            {t.revoked_at ? ' · revoked' : ''}
          </Text>
          {t.revoked_at ? null : (
            <Button size="compact-xs" variant="subtle" color="red" onClick={() => revoke.mutate(t.id)}>
              Revoke {t.name}
            </Button>
          )}
        </Group>
      ))}
      <form onSubmit={submit} aria-label={`New token for ${sa.name}`}>
        <Group align="flex-end">
          <TextInput
            label="Token name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <NumberInput label="Days" min={1} max={365} value={days} onChange={setDays} w={90} />
          <ScopePicker label="Scopes" value={scopes} onChange={setScopes} />
          <Button type="submit" loading={create.isPending}>
            Create token
          </Button>
        </Group>
      </form>
    </Stack>
  );
}

export function ServiceAccountsPage() {
  const org = useOrgRef();
  const sas = useServiceAccounts(org);
  const create = useCreateServiceAccount(org);
  const remove = useDeleteServiceAccount(org);
  const [name, setName] = useState('');
  const [role, setRole] = useState<ServiceAccountRole>('developer');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), role }, { onSuccess: () => setName('') });
  };
  return (
    <Stack>
      <OrgHeader title="Service accounts" />
      <ErrorAlert error={sas.error ?? remove.error} />
      {sas.isPending ? <Loading what="service accounts" /> : null}
      {sas.data?.length === 0 ? <Text c="dimmed">No service accounts yet.</Text> : null}
      {sas.data?.map((sa) => (
        <Stack key={sa.id} gap={4}>
          <Group>
            <Title order={2} size="h5">
              {sa.name}
            </Title>
            <Text size="sm" c="dimmed">
              {sa.role}
              {sa.disabled ? ' · deleted' : ''} · last used{' '}
              {sa.last_used_at ? new Date(sa.last_used_at).toLocaleString() : 'never'}
            </Text>
            {sa.disabled ? null : (
              <Button size="compact-xs" color="red" variant="subtle" onClick={() => remove.mutate(sa.id)}>
                Delete {sa.name}
              </Button>
            )}
          </Group>
          {sa.disabled ? null : <Tokens org={org} sa={sa} />}
        </Stack>
      ))}
      <form onSubmit={submit} aria-labelledby="new-sa">
        <Stack gap="xs">
          <Title order={2} size="h4" id="new-sa">
            New service account
          </Title>
          <ErrorAlert error={create.error} title="The service account was not created" />
          <Group align="flex-end">
            <TextInput
              label="Service account name"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <NativeSelect
              label="Its role"
              data={ROLES}
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as ServiceAccountRole)}
            />
            <Button type="submit" loading={create.isPending}>
              Create service account
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
