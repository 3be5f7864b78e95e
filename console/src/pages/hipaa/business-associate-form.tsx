/**
 * @module pages/hipaa/business-associate-form
 * For the operator, beside the BAAs waiting for countersignature: the business associate every
 * BAA names (the organization that runs this Ward), where it comes from, and a form to set it.
 * Saved, it applies to the next BAA an owner renders, without restarting Ward.
 */
import { Button, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useBusinessAssociate, useSetBusinessAssociate } from '../../api/hipaa';
import type { BusinessAssociate } from '../../api/hipaa-types';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';

const SOURCES: Record<BusinessAssociate['source'], string> = {
  runtime: 'Set here (or with the CLI or API); it wins over ward.yaml.',
  'ward.yaml': 'From ward.yaml. Saving it here replaces that value, at once.',
  none: 'Not set yet: no organization can render or sign a BAA until it is.',
};

function Form({ current }: { current: BusinessAssociate }) {
  const save = useSetBusinessAssociate();
  const [legal, setLegal] = useState(current.legal_name ?? '');
  const [address, setAddress] = useState(current.address ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ legal_name: legal.trim(), address: address.trim() });
  };
  return (
    <form onSubmit={submit} aria-labelledby="business-associate-title">
      <Stack gap="sm" maw={560}>
        <Title order={2} size="h4" id="business-associate-title">
          Business associate
        </Title>
        <Text size="sm" c="dimmed">
          The organization that runs this Ward, as every Business Associate Agreement names it and as
          certificates of destruction are issued.
        </Text>
        <Text size="sm" data-testid="business-associate-source">
          {SOURCES[current.source]}
          {current.updated_at
            ? ` Last set ${new Date(current.updated_at).toLocaleString()}${current.updated_by ? ` by ${current.updated_by}` : ''}.`
            : ''}
        </Text>
        <TextInput
          label="Business associate legal name"
          required
          maxLength={200}
          value={legal}
          onChange={(e) => setLegal(e.currentTarget.value)}
        />
        <Textarea
          label="Business associate address"
          required
          autosize
          minRows={2}
          maxLength={500}
          value={address}
          onChange={(e) => setAddress(e.currentTarget.value)}
        />
        <ErrorAlert error={save.error} title="The business associate was not saved" />
        {save.isSuccess ? (
          <Text size="sm" c="green" role="status">
            Business associate saved: BAAs rendered from now on name {save.data.legal_name}.
          </Text>
        ) : null}
        <Group>
          <Button type="submit" variant="default" loading={save.isPending}>
            Save business associate
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function BusinessAssociateForm({ operator }: { operator: boolean }) {
  const current = useBusinessAssociate(operator);
  if (!operator) return null;
  if (current.isPending) return <Loading what="the business associate" />;
  if (current.error)
    return <ErrorAlert error={current.error} title="Could not read the business associate" />;
  return <Form current={current.data} />;
}
