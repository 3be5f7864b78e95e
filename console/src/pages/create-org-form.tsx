/**
 * @module pages/create-org-form
 * "New organization": a name; you become its owner. Goes to the new org's page.
 */
import { Button, Group, Stack, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useCreateOrg } from '../api/orgs';
import { ErrorAlert } from '../components/error-alert';
import { NAME_RULE } from '../lib/names';

export function CreateOrgForm() {
  const create = useCreateOrg();
  const navigate = useNavigate();
  const [name, setName] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(name.trim(), { onSuccess: (org) => navigate(`/orgs/${encodeURIComponent(org.name)}`) });
  };

  return (
    <form onSubmit={submit} aria-labelledby="new-org-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="new-org-title">
          New organization
        </Title>
        <ErrorAlert error={create.error} title="The organization was not created" />
        <Group align="flex-end">
          <TextInput
            label="Organization name"
            description={NAME_RULE}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            flex={1}
            maw={420}
          />
          <Button type="submit" loading={create.isPending}>
            Create organization
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
