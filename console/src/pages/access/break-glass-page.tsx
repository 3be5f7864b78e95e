/**
 * @module pages/access/break-glass-page
 * Emergency access in the org: who, which project, why, until when; flagged until an owner
 * reviews it. Owners review or end it here.
 */
import { Badge, Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useBreakGlassList, useEndBreakGlass, useReviewBreakGlass } from '../../api/access';
import type { BreakGlass } from '../../api/access-types';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { OrgHeader, useOrgRef } from './org-header';

function Review({ org, b }: { org: string; b: BreakGlass }) {
  const review = useReviewBreakGlass(org);
  const end = useEndBreakGlass(org);
  const [note, setNote] = useState('');
  return (
    <Stack gap={4}>
      <ErrorAlert error={review.error ?? end.error} title="Refused" />
      <Group gap="xs" align="flex-end">
        {b.flagged ? (
          <>
            <TextInput
              size="xs"
              aria-label={`Review note for ${b.email}`}
              placeholder="what you checked"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
            <Button
              size="xs"
              onClick={() => review.mutate({ id: b.id, note: note.trim() })}
              disabled={!note.trim()}
            >
              Mark reviewed
            </Button>
          </>
        ) : (
          <Text size="xs">Reviewed: {b.review_note}</Text>
        )}
        {b.active ? (
          <Button size="xs" color="red" variant="subtle" onClick={() => end.mutate(b.id)}>
            End now
          </Button>
        ) : null}
      </Group>
    </Stack>
  );
}

export function BreakGlassPage() {
  const org = useOrgRef();
  const list = useBreakGlassList(org);
  return (
    <Stack>
      <OrgHeader title="Break-glass" />
      <ErrorAlert error={list.error} />
      {list.isPending ? <Loading what="break-glass access" /> : null}
      {list.data?.length === 0 ? <Text c="dimmed">Nobody has used break-glass access.</Text> : null}
      {list.data && list.data.length > 0 ? (
        <Table aria-label="Break-glass access">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Who</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Until</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Review</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((b) => (
              <Table.Tr key={b.id}>
                <Table.Td>{b.email}</Table.Td>
                <Table.Td>{b.role}</Table.Td>
                <Table.Td>{b.reason}</Table.Td>
                <Table.Td>{new Date(b.ended_at ?? b.expires_at).toLocaleString()}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {b.active ? <Badge color="red">active</Badge> : <Badge color="gray">ended</Badge>}
                    {b.flagged ? <Badge color="orange">needs review</Badge> : null}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Review org={org} b={b} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}
