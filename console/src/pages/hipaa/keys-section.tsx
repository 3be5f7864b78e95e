/**
 * @module pages/hipaa/keys-section
 * The org's encryption keys (the org key and each project's, destroyed ones included as evidence
 * of crypto-shredding) and rotation of the org key, which re-wraps the project keys without
 * re-encrypting data or stopping anything.
 */
import { Button, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useOrgKeys, useRotateOrgKey } from '../../api/hipaa';
import type { Org } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';

export function KeysSection({ org, orgRef }: { org: Org; orgRef: string }) {
  const list = useOrgKeys(orgRef);
  const rotate = useRotateOrgKey(orgRef);
  const admin = org.role === 'owner' || org.role === 'admin';
  if (list.isPending) return <Loading what="keys" />;
  if (list.error) return <ErrorAlert error={list.error} title="Could not list keys" />;
  const rows = [
    ...list.data.org_keys.map((k) => ({ ...k, of: 'organization' })),
    ...list.data.project_keys.map((k) => ({ ...k, of: `project ${k.project_name}` })),
  ];
  return (
    <Stack gap="sm" component="section" aria-labelledby="keys-title">
      <Title order={2} size="h4" id="keys-title">
        Encryption keys
      </Title>
      <Text size="sm" c="dimmed">
        Ward's root key wraps the organization key, which wraps one key per project (AES-256-GCM).
      </Text>
      {rows.length === 0 ? (
        <Text size="sm">
          No key yet: Ward creates them when it first encrypts something for this organization.
        </Text>
      ) : (
        <Table aria-label="Encryption keys" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Th>Of</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>
                  <Code>{k.id}</Code>
                </Table.Td>
                <Table.Td>{k.of}</Table.Td>
                <Table.Td>{k.state}</Table.Td>
                <Table.Td>{new Date(k.created_at).toLocaleString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ErrorAlert error={rotate.error} title="The key was not rotated" />
      {rotate.data ? (
        <Text size="sm" role="status">
          Rotated: {rotate.data.key_id} now wraps {rotate.data.rewrapped} project key
          {rotate.data.rewrapped === 1 ? '' : 's'}.
        </Text>
      ) : null}
      {admin ? (
        <Group>
          <Button variant="default" onClick={() => rotate.mutate()} loading={rotate.isPending}>
            Rotate the organization key
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
