/**
 * @module pages/hipaa/org-details-form
 * Organization details: the legal name and address the BAA names. Owners and admins change them;
 * everyone else reads them.
 */
import { Button, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useUpdateOrgDetails } from '../../api/hipaa';
import type { Org } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';

export function OrgDetailsForm({ org, orgRef }: { org: Org; orgRef: string }) {
  const update = useUpdateOrgDetails(orgRef);
  const [legal, setLegal] = useState(org.settings.legal_name ?? '');
  const [address, setAddress] = useState(org.settings.address ?? '');
  const editable = org.role === 'owner' || org.role === 'admin';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ legal_name: legal.trim(), address: address.trim() });
  };

  return (
    <form onSubmit={submit} aria-labelledby="org-details-title">
      <Stack gap="sm" maw={560}>
        <Title order={2} size="h4" id="org-details-title">
          Organization details
        </Title>
        <Text size="sm" c="dimmed">
          The legal name and address the Business Associate Agreement names.
        </Text>
        <TextInput
          label="Legal name"
          value={legal}
          readOnly={!editable}
          onChange={(e) => setLegal(e.currentTarget.value)}
        />
        <Textarea
          label="Address"
          autosize
          minRows={2}
          value={address}
          readOnly={!editable}
          onChange={(e) => setAddress(e.currentTarget.value)}
        />
        <ErrorAlert error={update.error} title="The details were not saved" />
        {update.isSuccess ? (
          <Text size="sm" c="green" role="status">
            Details saved.
          </Text>
        ) : null}
        {editable ? (
          <Group>
            <Button type="submit" variant="default" loading={update.isPending}>
              Save details
            </Button>
          </Group>
        ) : null}
      </Stack>
    </form>
  );
}
