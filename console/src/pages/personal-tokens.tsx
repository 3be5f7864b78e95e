/**
 * @module pages/personal-tokens
 * Your personal API tokens (for the CLI and scripts as WARD_TOKEN; the only way to the CLI for
 * someone whose organization requires single sign-on; with db:connect, a database password):
 * create one (shown once, narrowed to some scopes or not), revoke.
 */
import { Alert, Button, Code, Group, NumberInput, Stack, Table, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { ApiToken, NewApiToken, PersonalTokenScope } from '../api/access-types';
import { api, seg } from '../api/client';
import { ErrorAlert } from '../components/error-alert';
import { ScopePicker, type TokenScope } from '../components/scope-picker';

const key = ['tokens'] as const;
export function PersonalTokens() {
  const qc = useQueryClient();
  const tokens = useQuery({
    queryKey: key,
    queryFn: async () => (await api<{ tokens: ApiToken[] }>('GET', '/tokens')).tokens,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: key });
  const create = useMutation({
    mutationFn: (b: { name: string; expires_in_days: number; scopes?: PersonalTokenScope[] }) =>
      api<NewApiToken>('POST', '/tokens', b),
    onSuccess: refresh,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api<ApiToken>('DELETE', `/tokens/${seg(id)}`),
    onSuccess: refresh,
  });
  const [name, setName] = useState('');
  const [days, setDays] = useState<number | string>(30);
  const [scopes, setScopes] = useState<TokenScope[]>([]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      name: name.trim(),
      expires_in_days: Number(days),
      ...(scopes.length > 0 ? { scopes } : {}),
    });
  };
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        Personal API tokens
      </Title>
      {create.data?.token ? (
        <Alert
          color="yellow"
          variant="light"
          title="Copy it now; Ward cannot show it again (use it as WARD_TOKEN)"
        >
          <Code data-testid="personal-token">{create.data.token}</Code>
        </Alert>
      ) : null}
      <ErrorAlert error={tokens.error ?? create.error ?? revoke.error} title="Tokens" />
      {tokens.data && tokens.data.length > 0 ? (
        <Table aria-label="Personal API tokens">
          <Table.Tbody>
            {tokens.data.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>{t.name}</Table.Td>
                <Table.Td>{t.scopes.includes('*') ? 'everything you may do' : t.scopes.join(' ')}</Table.Td>
                <Table.Td>expires {new Date(t.expires_at).toLocaleDateString()}</Table.Td>
                <Table.Td>{t.revoked_at ? 'revoked' : ''}</Table.Td>
                <Table.Td>
                  {t.revoked_at ? null : (
                    <Button
                      size="compact-xs"
                      color="red"
                      variant="subtle"
                      onClick={() => revoke.mutate(t.id)}
                    >
                      Revoke {t.name}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <form onSubmit={submit} aria-label="New personal API token">
        <Group align="flex-end">
          <TextInput
            label="Token name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <NumberInput label="Days" min={1} max={365} value={days} onChange={setDays} w={90} />
          <ScopePicker
            label="Scopes (none checked: everything you may do)"
            value={scopes}
            onChange={setScopes}
          />
          <Button type="submit" loading={create.isPending}>
            Create personal token
          </Button>
        </Group>
      </form>
    </Stack>
  );
}
