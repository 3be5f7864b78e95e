/**
 * @module pages/hipaa/baa-sign-flow
 * The owner's "Enable HIPAA": Ward renders the BAA (refused, with the reason, without the
 * enterprise plan or the org's details); the owner reads it and signs with full name, title and
 * an explicit acceptance. HIPAA turns on when the operator countersigns.
 */
import { Button, Checkbox, Group, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useRequestBaa, useSignBaa } from '../../api/hipaa';
import { BaaDocument } from '../../components/baa-document';
import { ErrorAlert } from '../../components/error-alert';

export function BaaSignFlow({ orgRef }: { orgRef: string }) {
  const request = useRequestBaa(orgRef);
  const sign = useSignBaa(orgRef);
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [accept, setAccept] = useState(false);

  if (!request.data)
    return (
      <Stack gap="xs" align="flex-start">
        <ErrorAlert error={request.error} title="HIPAA cannot be enabled yet" />
        <Button onClick={() => request.mutate()} loading={request.isPending}>
          Enable HIPAA
        </Button>
      </Stack>
    );

  const doc = request.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    sign.mutate({ document_sha256: doc.document_sha256, name: name.trim(), title: title.trim(), accept });
  };
  return (
    <form onSubmit={submit} aria-label="Sign the Business Associate Agreement">
      <Stack gap="sm">
        <BaaDocument text={doc.document} sha256={doc.document_sha256} version={doc.template_version} />
        <Group grow align="flex-start">
          <TextInput
            label="Your full name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <TextInput
            label="Your title"
            required
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
          />
        </Group>
        <Checkbox
          label="I have read this Business Associate Agreement and accept it on behalf of the organization"
          checked={accept}
          onChange={(e) => setAccept(e.currentTarget.checked)}
        />
        <ErrorAlert error={sign.error} title="The BAA was not signed" />
        <Group>
          <Button type="submit" loading={sign.isPending}>
            Sign the BAA
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
