/**
 * @module pages/access/sso-form
 * OpenID Connect single sign-on for the org (owners): the provider's issuer, this client's id
 * and secret, the email domain, and whether passwords are refused.
 */
import { Button, Checkbox, Code, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSetSso, useSso } from '../../api/access';
import { ErrorAlert } from '../../components/error-alert';

export function SsoForm({ org }: { org: string }) {
  const current = useSso(org);
  const set = useSetSso(org);
  const [form, setForm] = useState({
    issuer: '',
    client_id: '',
    client_secret: '',
    email_domain: '',
    require_sso: false,
  });
  const field = (name: keyof typeof form) => ({
    value: String(form[name]),
    onChange: (e: { currentTarget: { value: string } }) =>
      setForm({ ...form, [name]: e.currentTarget.value }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set.mutate({ ...form, issuer: form.issuer.trim(), email_domain: form.email_domain.trim() });
  };
  return (
    <form onSubmit={submit} aria-labelledby="sso-title">
      <Stack gap="xs">
        <Title order={2} size="h4" id="sso-title">
          Single sign-on (OpenID Connect)
        </Title>
        {current.data ? (
          <Text size="sm">
            Members at <b>{current.data.email_domain}</b> sign in through {current.data.issuer}
            {current.data.require_sso ? '; passwords are refused' : ''}. Redirect URI:{' '}
            <Code>{current.data.redirect_uri}</Code>
          </Text>
        ) : (
          <Text size="sm">Not configured.</Text>
        )}
        <Text size="sm" c="dimmed">
          A sign-in through the provider counts as two-step verification: make sure the provider requires it.
        </Text>
        <ErrorAlert error={current.error ?? set.error} title="Single sign-on was not saved" />
        <Group align="flex-end" wrap="wrap">
          <TextInput label="Issuer URL" required {...field('issuer')} miw={280} />
          <TextInput label="Client ID" required {...field('client_id')} />
          <PasswordInput label="Client secret" required {...field('client_secret')} />
          <TextInput label="Email domain" placeholder="acme.org" required {...field('email_domain')} />
        </Group>
        <Checkbox
          label="Require single sign-on (members cannot use passwords)"
          checked={form.require_sso}
          onChange={(e) => setForm({ ...form, require_sso: e.currentTarget.checked })}
        />
        <Button type="submit" loading={set.isPending} w="fit-content">
          Save single sign-on
        </Button>
      </Stack>
    </form>
  );
}
