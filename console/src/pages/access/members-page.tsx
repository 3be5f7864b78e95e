/**
 * @module pages/access/members-page
 * An organization's members: their roles (changed in place), removal (which revokes their
 * sessions, tokens and database access at once), and adding an existing account.
 */
import { Button, Group, NativeSelect, Stack, Table, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useAddMember, useMembers, useRemoveMember, useSetRole } from '../../api/access';
import type { OrgRole } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { OrgHeader, useOrgRef } from './org-header';

export const ORG_ROLES: OrgRole[] = ['owner', 'admin', 'developer', 'auditor', 'member'];

function AddMember({ org }: { org: string }) {
  const add = useAddMember(org);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrgRole>('developer');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({ email: email.trim(), role }, { onSuccess: () => setEmail('') });
  };
  return (
    <form onSubmit={submit} aria-labelledby="add-member">
      <Stack gap="xs">
        <Title order={2} size="h4" id="add-member">
          Add a member
        </Title>
        <ErrorAlert error={add.error} title="The member was not added" />
        <Group align="flex-end">
          <TextInput
            label="Member email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <NativeSelect
            label="Role"
            data={ORG_ROLES}
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as OrgRole)}
          />
          <Button type="submit" loading={add.isPending}>
            Add member
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function MembersPage() {
  const org = useOrgRef();
  const members = useMembers(org);
  const setRole = useSetRole(org);
  const remove = useRemoveMember(org);
  return (
    <Stack>
      <OrgHeader title="Members" />
      <ErrorAlert error={members.error} />
      <ErrorAlert error={setRole.error ?? remove.error} title="That change was refused" />
      {members.isPending ? <Loading what="members" /> : null}
      {members.data ? (
        <Table aria-label="Members" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.data.map((m) => (
              <Table.Tr key={m.user_id}>
                <Table.Td>{m.email}</Table.Td>
                <Table.Td>{m.name}</Table.Td>
                <Table.Td>
                  <NativeSelect
                    aria-label={`Role of ${m.email}`}
                    data={ORG_ROLES}
                    value={m.role}
                    onChange={(e) =>
                      setRole.mutate({ user: m.user_id, role: e.currentTarget.value as OrgRole })
                    }
                  />
                </Table.Td>
                <Table.Td>
                  <Button size="xs" color="red" variant="subtle" onClick={() => remove.mutate(m.user_id)}>
                    Remove {m.email}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <AddMember org={org} />
    </Stack>
  );
}
