/**
 * @module pages/audit/add-witness-form
 * "Add witness": a name, the witness's address (its URL; not labelled "URL", which names the
 * sink form's field on the same page), its public key (its witness.vkey) and, optionally, a
 * certificate authority for its TLS. Ward checks them (https beyond this machine, a witness key);
 * its refusal shows beside the form.
 */
import { Button, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { AddWitnessBody } from '../../api/audit-types';
import { useAddWitness } from '../../api/audit-witnesses';
import { ErrorAlert } from '../../components/error-alert';
import { NAME_RULE } from '../../lib/names';

export function AddWitnessForm({ org }: { org: string }) {
  const add = useAddWitness(org);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [ca, setCa] = useState('');

  const body = (): AddWitnessBody => {
    const base = { name: name.trim(), url: url.trim(), public_key: publicKey.trim() };
    return ca.trim() ? { ...base, ca_pem: ca.trim() } : base;
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(body(), {
      onSuccess: () => {
        setName('');
        setUrl('');
        setPublicKey('');
        setCa('');
      },
    });
  };

  return (
    <form onSubmit={submit} aria-labelledby="add-witness-title">
      <Stack gap="sm" maw={560}>
        <Title order={3} size="h5" id="add-witness-title">
          Add witness
        </Title>
        <TextInput
          label="Witness name"
          description={NAME_RULE}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <TextInput
          label="Witness address"
          description="Its URL: https, or http to this machine (127.0.0.1, localhost)"
          required
          inputMode="url"
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
        />
        <Textarea
          label="Public key (witness.vkey)"
          description="The one line the witness wrote to witness.vkey in its data directory"
          required
          autosize
          minRows={2}
          maxRows={4}
          value={publicKey}
          onChange={(e) => setPublicKey(e.currentTarget.value)}
        />
        <Textarea
          label="Witness CA certificate (PEM)"
          description="Optional: a certificate authority to trust for this witness's TLS"
          autosize
          minRows={2}
          maxRows={8}
          value={ca}
          onChange={(e) => setCa(e.currentTarget.value)}
        />
        <ErrorAlert error={add.error} title="The witness was not added" />
        <div>
          <Button type="submit" loading={add.isPending}>
            Add witness
          </Button>
        </div>
      </Stack>
    </form>
  );
}
