/**
 * @module pages/incidents/hold-form
 * Law-enforcement holds (164.412): the statements recorded and how long each holds notices, and
 * the form to record one. A written statement needs the period it specifies and the letter itself
 * (uploaded, kept encrypted); an oral one needs the official's identity and holds 30 days at most.
 * Ward refuses a hold without what the rule requires and says what is missing.
 */
import {
  Button,
  FileInput,
  Group,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type Incident, useAddHold } from '../../api/incidents';
import { ErrorAlert } from '../../components/error-alert';

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function Holds({ org, incident, manages }: { org: string; incident: Incident; manages: boolean }) {
  const add = useAddHold(org, incident.id);
  const [kind, setKind] = useState<'written' | 'oral'>('oral');
  const [statedOn, setStatedOn] = useState('');
  const [agency, setAgency] = useState('');
  const [official, setOfficial] = useState('');
  const [statement, setStatement] = useState('');
  const [until, setUntil] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    add.mutate({
      kind,
      stated_on: statedOn,
      agency,
      statement,
      ...(official ? { official_name: official } : {}),
      ...(kind === 'written' && until ? { until } : {}),
      ...(kind === 'written' && file
        ? {
            document: {
              file_name: file.name,
              content_type: file.type || 'application/octet-stream',
              content_base64: await base64Of(file),
            },
          }
        : {}),
    });
  };
  return (
    <Stack gap="xs" component="section" aria-labelledby="holds-title">
      <Title order={2} size="h4" id="holds-title">
        Law-enforcement holds (164.412)
      </Title>
      {incident.holds.length === 0 ? (
        <Text size="sm">None recorded.</Text>
      ) : (
        <Table aria-label="Law-enforcement holds">
          <Table.Tbody>
            {incident.holds.map((h) => (
              <Table.Tr key={h.id}>
                <Table.Td>
                  {h.kind} statement of {h.stated_on} by {h.official_name ?? 'an official'} ({h.agency})
                </Table.Td>
                <Table.Td>
                  {h.superseded_by
                    ? `superseded by ${h.superseded_by}`
                    : `holds notices through ${h.holds_until}`}
                </Table.Td>
                <Table.Td>
                  {h.document ? `${h.document.file_name}, SHA-256 ${h.document.sha256.slice(0, 12)}…` : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {manages ? (
        <form onSubmit={submit} aria-label="Record a law-enforcement statement">
          <Stack gap="xs" maw={640}>
            <Group grow>
              <Select
                label="Statement"
                data={[
                  { value: 'oral', label: 'oral (30 days at most)' },
                  { value: 'written', label: 'written (the period it specifies)' },
                ]}
                value={kind}
                onChange={(v) => setKind((v as 'written' | 'oral') ?? 'oral')}
                allowDeselect={false}
              />
              <TextInput
                label="Stated on"
                type="date"
                required
                value={statedOn}
                onChange={(e) => setStatedOn(e.currentTarget.value)}
              />
            </Group>
            <Group grow>
              <TextInput label="Agency" value={agency} onChange={(e) => setAgency(e.currentTarget.value)} />
              <TextInput
                label="Official's name"
                value={official}
                onChange={(e) => setOfficial(e.currentTarget.value)}
              />
            </Group>
            <Textarea
              label="What the official stated"
              autosize
              value={statement}
              onChange={(e) => setStatement(e.currentTarget.value)}
            />
            {kind === 'written' ? (
              <Group grow>
                <TextInput
                  label="Holds until"
                  type="date"
                  value={until}
                  onChange={(e) => setUntil(e.currentTarget.value)}
                />
                <FileInput label="The written statement" value={file} onChange={setFile} clearable />
              </Group>
            ) : null}
            <ErrorAlert error={add.error} title="The hold was not recorded" />
            <Button type="submit" loading={add.isPending} style={{ alignSelf: 'flex-start' }}>
              Record the statement
            </Button>
          </Stack>
        </form>
      ) : null}
    </Stack>
  );
}
