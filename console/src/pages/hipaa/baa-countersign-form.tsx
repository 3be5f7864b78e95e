/**
 * @module pages/hipaa/baa-countersign-form
 * The operator's countersignature: the BAA exactly as the owner signed it, its SHA-256, and the
 * operator's full name and title. Countersigning executes it and enables HIPAA for the org.
 */
import { Button, Group, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useBaa, useCountersignBaa } from '../../api/hipaa';
import { BaaDocument } from '../../components/baa-document';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';

export function BaaCountersignForm({ orgRef }: { orgRef: string }) {
  const baa = useBaa(orgRef, true);
  const countersign = useCountersignBaa(orgRef);
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  if (baa.isPending) return <Loading what="the signed BAA" />;
  if (baa.error) return <ErrorAlert error={baa.error} title="Could not read the signed BAA" />;
  const b = baa.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    countersign.mutate({ document_sha256: b.document_sha256, name: name.trim(), title: title.trim() });
  };
  return (
    <form onSubmit={submit} aria-label="Countersign the Business Associate Agreement">
      <Stack gap="sm">
        <BaaDocument text={b.document ?? ''} sha256={b.document_sha256} version={b.template_version} />
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
        <ErrorAlert error={countersign.error} title="The BAA was not countersigned" />
        <Group>
          <Button type="submit" loading={countersign.isPending}>
            Countersign the BAA
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
