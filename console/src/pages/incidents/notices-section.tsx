/**
 * @module pages/incidents/notices-section
 * Notices and letters: each notice with its schedule (flagged when later than it could be sent,
 * with the reason), its deadline, what it still lacks, its letter as a PDF, and marking it sent
 * with how; a form to draft one and to complete a draft's content. Ward refuses to mark a notice
 * sent while 164.404(c) content is missing or notices are held, and says why.
 */
import { Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import {
  downloadNotice,
  type Incident,
  type Notice,
  useDraftNotice,
  useMarkSent,
  useUpdateNotice,
} from '../../api/incidents';
import { ErrorAlert } from '../../components/error-alert';
import { type Content, NoticeFields } from './notice-fields';

const KINDS = [
  { value: 'individual', label: 'Individuals' },
  { value: 'substitute', label: 'Substitute notice' },
  { value: 'next_of_kin', label: 'Next of kin' },
  { value: 'media', label: 'Media (one State)' },
  { value: 'secretary', label: 'Secretary of HHS' },
  { value: 'covered_entity', label: 'Covered entity' },
];
const VIA = ['mail', 'email', 'phone', 'web', 'media'];

function NoticeRow({
  org,
  incident,
  n,
  manages,
  onEdit,
}: {
  org: string;
  incident: Incident;
  n: Notice;
  manages: boolean;
  onEdit: () => void;
}) {
  const sent = useMarkSent(org, incident.id);
  const letter = useMutation({ mutationFn: () => downloadNotice(org, incident.id, n.id) });
  const [via, setVia] = useState<string | null>('mail');
  return (
    <Table.Tr data-notice={n.id}>
      <Table.Td>
        {KINDS.find((k) => k.value === n.kind)?.label}
        {n.jurisdiction ? ` (${n.jurisdiction})` : ''}: {n.recipient}
      </Table.Td>
      <Table.Td>
        {n.scheduled_on}
        {n.delayed ? (
          <Badge ml="xs" color="orange" variant="light" title={n.delay_reason ?? ''}>
            delayed: {n.delay_reason}
          </Badge>
        ) : null}
        {n.late ? (
          <Badge ml="xs" color="red">
            after its deadline
          </Badge>
        ) : null}
      </Table.Td>
      <Table.Td>{n.deadline ?? '-'}</Table.Td>
      <Table.Td>
        {n.sent_at ? (
          <Text size="sm">
            Sent {new Date(n.sent_at).toLocaleString()} by {n.sent_via}
          </Text>
        ) : n.missing.length ? (
          <Text size="xs" c="red.9">
            Missing: {n.missing.join('; ')}
          </Text>
        ) : (
          <Text size="sm">Ready to send</Text>
        )}
        <ErrorAlert error={sent.error} title="Not marked sent" />
        <ErrorAlert error={letter.error} title="The letter did not download" />
      </Table.Td>
      <Table.Td>
        <Group gap="xs">
          <Button
            size="compact-sm"
            variant="light"
            aria-label={`Letter ${n.id} as PDF`}
            onClick={() => letter.mutate()}
          >
            PDF
          </Button>
          {manages && !n.sent_at ? (
            <>
              <Button size="compact-sm" variant="light" aria-label={`Edit notice ${n.id}`} onClick={onEdit}>
                Edit
              </Button>
              <Select
                aria-label={`How notice ${n.id} was sent`}
                size="xs"
                w={100}
                data={VIA}
                value={via}
                onChange={setVia}
                allowDeselect={false}
              />
              <Button
                size="compact-sm"
                aria-label={`Mark notice ${n.id} sent`}
                loading={sent.isPending}
                onClick={() => sent.mutate({ notice: n.id, via: (via ?? 'mail') as 'mail' })}
              >
                Mark sent
              </Button>
            </>
          ) : null}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

export function NoticesSection({
  org,
  incident,
  manages,
}: {
  org: string;
  incident: Incident;
  manages: boolean;
}) {
  const draft = useDraftNotice(org, incident.id);
  const update = useUpdateNotice(org, incident.id);
  const [editing, setEditing] = useState<Notice | null>(null);
  const [kind, setKind] = useState<string | null>('individual');
  const [jurisdiction, setJurisdiction] = useState('');
  const [scheduled, setScheduled] = useState('');
  const [reason, setReason] = useState('');
  const [content, setContent] = useState<Content>({});
  const edit = (n: Notice) => {
    setEditing(n);
    setContent(n.content);
    setScheduled(n.scheduled_on);
    setReason(n.delay_reason ?? '');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const schedule = {
      ...(scheduled ? { scheduled_on: scheduled } : {}),
      ...(reason ? { delay_reason: reason } : {}),
    };
    if (editing)
      update.mutate({ notice: editing.id, content, ...schedule }, { onSuccess: () => setEditing(null) });
    else
      draft.mutate({
        kind: (kind ?? 'individual') as 'individual',
        content,
        ...(kind === 'media' && jurisdiction ? { jurisdiction } : {}),
        ...schedule,
      });
  };
  return (
    <Stack gap="xs" component="section" aria-labelledby="notices-title">
      <Title order={2} size="h4" id="notices-title">
        Notices and letters
      </Title>
      {incident.notices.length === 0 ? (
        <Text size="sm">No notice drafted yet.</Text>
      ) : (
        <Table aria-label="Notices">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Notice</Table.Th>
              <Table.Th>Scheduled</Table.Th>
              <Table.Th>Deadline</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {incident.notices.map((n) => (
              <NoticeRow
                key={n.id}
                org={org}
                incident={incident}
                n={n}
                manages={manages}
                onEdit={() => edit(n)}
              />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {manages ? (
        <form onSubmit={submit} aria-label={editing ? `Edit notice ${editing.id}` : 'Draft a notice'}>
          <Stack gap="xs" maw={720}>
            <Title order={3} size="h5">
              {editing ? `Edit notice ${editing.id}` : 'Draft a notice'}
            </Title>
            {editing ? null : (
              <Group grow>
                <Select label="Kind" data={KINDS} value={kind} onChange={setKind} allowDeselect={false} />
                {kind === 'media' ? (
                  <TextInput
                    label="State or jurisdiction"
                    value={jurisdiction}
                    onChange={(e) => setJurisdiction(e.currentTarget.value)}
                  />
                ) : null}
              </Group>
            )}
            <NoticeFields
              value={content}
              onChange={setContent}
              kind={editing?.kind ?? kind ?? 'individual'}
            />
            <Group grow>
              <TextInput
                label="Send on"
                description="empty: the first day it could be sent"
                type="date"
                value={scheduled}
                onChange={(e) => setScheduled(e.currentTarget.value)}
              />
              <TextInput
                label="Reason for a later date"
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
              />
            </Group>
            <ErrorAlert error={draft.error ?? update.error} title="The notice was not saved" />
            <Group>
              <Button type="submit" loading={draft.isPending || update.isPending}>
                {editing ? 'Save the notice' : 'Draft the notice'}
              </Button>
              {editing ? (
                <Button variant="subtle" onClick={() => setEditing(null)}>
                  Cancel
                </Button>
              ) : null}
            </Group>
          </Stack>
        </form>
      ) : null}
    </Stack>
  );
}
