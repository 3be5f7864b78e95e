/**
 * @module pages/hipaa/root-key-section
 * The org's root key: Ward's own, or a key in the org's HSM (PKCS#11), and whether Ward can use
 * it. Owners of an enterprise org move it into their HSM (module, token, key label, PIN) or back.
 * While the HSM key is unavailable the org's projects are stopped; the reason shows here.
 */
import {
  Alert,
  Button,
  Code,
  Group,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type RootKeyState, useRemoveRootKey, useRootKey, useSetRootKey } from '../../api/root-key';
import type { Org } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';

/** What a move did, for the status line: it outlives the form, which a move to the HSM unmounts. */
const movedLine = (s: RootKeyState) =>
  `${s.hsm ? 'Moved to your HSM' : "Moved back to Ward's root key"}: ${s.rewrapped ?? 0} organization key${s.rewrapped === 1 ? '' : 's'} re-wrapped.`;

/** The set-up form; its mutation lives in the section, which a move to the HSM does not unmount. */
function HsmForm({
  set,
  onMoved,
}: {
  set: ReturnType<typeof useSetRootKey>;
  onMoved: (line: string) => void;
}) {
  const [module, setModule] = useState('');
  const [token, setToken] = useState('');
  const [keyLabel, setKeyLabel] = useState('');
  const [pin, setPin] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set.mutate(
      { module: module.trim(), token, key_label: keyLabel, pin },
      { onSettled: () => setPin(''), onSuccess: (s) => onMoved(movedLine(s)) },
    );
  };
  return (
    <form onSubmit={submit} aria-label="Root key in your HSM">
      <Stack gap="xs" maw={560}>
        <TextInput
          label="PKCS#11 module"
          description="The HSM's library, one the operator allows (ward.yaml hsm_modules)"
          required
          value={module}
          onChange={(e) => setModule(e.currentTarget.value)}
        />
        <TextInput
          label="Token label"
          required
          maxLength={32}
          value={token}
          onChange={(e) => setToken(e.currentTarget.value)}
        />
        <TextInput
          label="Key label"
          description="An AES-256 secret key in the token (sensitive, not extractable)"
          required
          maxLength={128}
          value={keyLabel}
          onChange={(e) => setKeyLabel(e.currentTarget.value)}
        />
        <PasswordInput
          label="Token PIN"
          required
          value={pin}
          onChange={(e) => setPin(e.currentTarget.value)}
        />
        <ErrorAlert error={set.error} title="The root key was not moved" />
        <Group>
          <Button type="submit" variant="default" loading={set.isPending}>
            Keep the root key in this HSM
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function RootKeySection({ org, orgRef }: { org: Org; orgRef: string }) {
  const state = useRootKey(orgRef);
  const remove = useRemoveRootKey(orgRef);
  const set = useSetRootKey(orgRef);
  const [moved, setMoved] = useState<string>();
  const owner = org.role === 'owner';
  if (state.isPending) return <Loading what="the root key" />;
  if (state.error) return <ErrorAlert error={state.error} title="Could not read the root key" />;
  const s = state.data;
  const hsm = s.hsm;
  return (
    <Stack gap="sm" component="section" aria-labelledby="root-key-title">
      <Title order={2} size="h4" id="root-key-title">
        Root key
      </Title>
      <Text size="sm" c="dimmed">
        The root key wraps the organization key. It is Ward's own unless the organization keeps it in its own
        HSM; then revoking that key in the HSM stops the organization's projects until it is usable again.
      </Text>
      <Table aria-label="Root key" withTableBorder>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th scope="row">Held by</Table.Th>
            <Table.Td>
              {hsm ? `your HSM: key "${hsm.key_label}" on token "${hsm.token}"` : "Ward's own root key"}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th scope="row">Keystore</Table.Th>
            <Table.Td>
              <Code>{s.keystore_id}</Code>
            </Table.Td>
          </Table.Tr>
          {hsm ? (
            <>
              <Table.Tr>
                <Table.Th scope="row">Module</Table.Th>
                <Table.Td>
                  <Code>{hsm.module}</Code>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th scope="row">State</Table.Th>
                <Table.Td>
                  {hsm.state} since {new Date(hsm.state_since).toLocaleString()}
                </Table.Td>
              </Table.Tr>
            </>
          ) : null}
        </Table.Tbody>
      </Table>
      {hsm?.state === 'unavailable' ? (
        <Alert color="red" variant="light" title="The root key is unavailable">
          {hsm.reason} The organization's projects are stopped until the key is usable again.
        </Alert>
      ) : null}
      {moved ? (
        <Text size="sm" role="status">
          {moved}
        </Text>
      ) : null}
      {owner && !hsm && org.plan === 'enterprise' ? <HsmForm set={set} onMoved={setMoved} /> : null}
      {owner && !hsm && org.plan !== 'enterprise' ? (
        <Text size="sm">A root key in your own HSM needs the enterprise plan.</Text>
      ) : null}
      {owner && hsm ? (
        <>
          <ErrorAlert error={remove.error} title="The root key was not moved" />
          <Group>
            <Button
              variant="default"
              onClick={() => remove.mutate(undefined, { onSuccess: (r) => setMoved(movedLine(r)) })}
              loading={remove.isPending}
            >
              Move back to Ward's root key
            </Button>
          </Group>
        </>
      ) : null}
    </Stack>
  );
}
