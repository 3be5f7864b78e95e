/**
 * @module pages/access/project-access
 * On a project's page: who can reach its data, with which role and why; granting and revoking
 * (owners, admins); and asking for break-glass access with a reason (at most four hours, every
 * owner alerted).
 */
import {
  Alert,
  Button,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  Table,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useBreakGlass, useGrant, useProjectAccess, useRevokeGrant } from '../../api/access';
import type { ProjectRole } from '../../api/access-types';
import { ErrorAlert } from '../../components/error-alert';

const ROLES: ProjectRole[] = ['readonly', 'readwrite', 'owner'];

function BreakGlassForm({ projectId }: { projectId: string }) {
  const ask = useBreakGlass(projectId);
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState<number | string>(60);
  const [role, setRole] = useState<ProjectRole>('readwrite');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    ask.mutate({ reason: reason.trim(), minutes: Number(minutes), role });
  };
  return (
    <form onSubmit={submit} aria-labelledby="break-glass">
      <Stack gap="xs">
        <Title order={3} size="h5" id="break-glass">
          Break-glass access
        </Title>
        {ask.data ? (
          <Alert color="orange" variant="light" role="status" title="Emergency access granted">
            {ask.data.role} until {new Date(ask.data.expires_at).toLocaleString()}. Every owner has been
            alerted.
          </Alert>
        ) : null}
        <ErrorAlert error={ask.error} title="Break-glass access was refused" />
        <Textarea
          label="Reason"
          description="At least 20 characters; every owner reads it"
          required
          minRows={2}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        <Group align="flex-end">
          <NumberInput label="Minutes" min={5} max={240} value={minutes} onChange={setMinutes} w={110} />
          <NativeSelect
            label="Role"
            data={ROLES}
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as ProjectRole)}
          />
          <Button type="submit" color="orange" loading={ask.isPending}>
            Request break-glass access
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ProjectAccess({ projectId }: { projectId: string }) {
  const access = useProjectAccess(projectId);
  const grant = useGrant(projectId);
  const revoke = useRevokeGrant(projectId);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('readonly');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    grant.mutate({ email: email.trim(), role });
  };
  return (
    <Stack>
      <Title order={2} size="h4">
        Access
      </Title>
      {access.error ? null : (
        <>
          <ErrorAlert error={grant.error ?? revoke.error} title="That change was refused" />
          <Table aria-label="Project access">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Who</Table.Th>
                <Table.Th>Org role</Table.Th>
                <Table.Th>Database role</Table.Th>
                <Table.Th>Because of</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {access.data?.map((a) => (
                <Table.Tr key={a.user_id}>
                  <Table.Td>{a.email}</Table.Td>
                  <Table.Td>{a.org_role}</Table.Td>
                  <Table.Td>{a.role ?? 'none'}</Table.Td>
                  <Table.Td>{a.source?.replace('_', ' ') ?? '-'}</Table.Td>
                  <Table.Td>
                    {a.grant ? (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        onClick={() => revoke.mutate(a.user_id)}
                      >
                        Revoke grant of {a.email}
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <form onSubmit={submit} aria-label="Grant a project role">
            <Group align="flex-end">
              <TextInput
                label="Grant to (email)"
                type="email"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
              />
              <NativeSelect
                label="Project role"
                data={ROLES}
                value={role}
                onChange={(e) => setRole(e.currentTarget.value as ProjectRole)}
              />
              <Button type="submit" loading={grant.isPending}>
                Grant
              </Button>
            </Group>
          </form>
        </>
      )}
      <BreakGlassForm projectId={projectId} />
    </Stack>
  );
}
