/**
 * @module pages/audit/add-sink-form
 * "Add sink": a name, the kind (file, syslog, webhook), the format, and what each kind needs. Ward
 * checks everything (a webhook must be https); its refusal shows beside the form. A webhook's
 * HMAC key is shown once, after creation.
 */
import { Button, Group, NativeSelect, NumberInput, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useCreateSink } from '../../api/audit-sinks';
import type { CreateSinkBody, SinkFormat, SinkKind } from '../../api/audit-types';
import { ErrorAlert } from '../../components/error-alert';
import { NAME_RULE } from '../../lib/names';
import { SinkSecret } from './sink-secret';

const KINDS = [
  { value: 'file', label: 'File (JSON lines)' },
  { value: 'syslog', label: 'Syslog (RFC 5424 over TCP or TLS)' },
  { value: 'webhook', label: 'Webhook (HTTPS, HMAC-signed batches)' },
];
const FORMATS = [
  { value: 'json', label: "Ward's JSON" },
  { value: 'ocsf', label: 'OCSF' },
];

export function AddSinkForm({ org }: { org: string }) {
  const create = useCreateSink(org);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<SinkKind>('file');
  const [format, setFormat] = useState<SinkFormat>('json');
  const [fileName, setFileName] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState<string | number>(6514);
  const [url, setUrl] = useState('');
  const [ca, setCa] = useState('');

  const body = (): CreateSinkBody => {
    const base = { name: name.trim(), kind, format };
    const caPem = ca.trim() ? { ca_pem: ca.trim() } : {};
    if (kind === 'file') return fileName.trim() ? { ...base, file_name: fileName.trim() } : base;
    if (kind === 'syslog') return { ...base, host: host.trim(), port: Number(port), ...caPem };
    return { ...base, url: url.trim(), ...caPem };
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(body(), { onSuccess: () => setName('') });
  };

  return (
    <Stack gap="sm" maw={560}>
      <form onSubmit={submit} aria-labelledby="add-sink-title">
        <Stack gap="sm">
          <Title order={3} size="h5" id="add-sink-title">
            Add sink
          </Title>
          <TextInput
            label="Sink name"
            description={NAME_RULE}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <NativeSelect
            label="Kind"
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as SinkKind)}
            data={KINDS}
          />
          <NativeSelect
            label="Format"
            value={format}
            onChange={(e) => setFormat(e.currentTarget.value as SinkFormat)}
            data={FORMATS}
          />
          {kind === 'file' ? (
            <TextInput
              label="File name"
              description="Optional: the sink's name if empty; written as <name>.jsonl in Ward's sink directory"
              value={fileName}
              onChange={(e) => setFileName(e.currentTarget.value)}
            />
          ) : null}
          {kind === 'syslog' ? (
            <Group grow align="flex-start">
              <TextInput
                label="Host"
                required
                value={host}
                onChange={(e) => setHost(e.currentTarget.value)}
              />
              <NumberInput label="Port" required min={1} max={65535} value={port} onChange={setPort} />
            </Group>
          ) : null}
          {kind === 'webhook' ? (
            <TextInput
              label="URL"
              description="https only"
              required
              inputMode="url"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
            />
          ) : null}
          {kind !== 'file' ? (
            <Textarea
              label="CA certificate (PEM)"
              description="Optional: a certificate authority to trust for this sink's TLS"
              autosize
              minRows={2}
              maxRows={8}
              value={ca}
              onChange={(e) => setCa(e.currentTarget.value)}
            />
          ) : null}
          <ErrorAlert error={create.error} title="The sink was not added" />
          <div>
            <Button type="submit" loading={create.isPending}>
              Add sink
            </Button>
          </div>
        </Stack>
      </form>
      {create.data?.secret ? (
        <SinkSecret name={create.data.name} secret={create.data.secret} onDismiss={() => create.reset()} />
      ) : null}
    </Stack>
  );
}
