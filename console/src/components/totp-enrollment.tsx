/**
 * @module components/totp-enrollment
 * Enrolling an authenticator app: the QR code (and the secret, for typing in), a first code to
 * confirm, then the ten recovery codes, shown once.
 */
import { Alert, Button, Code, Group, Image, List, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useConfirmTotp, useEnrollTotp } from '../api/mfa';
import { ErrorAlert } from './error-alert';

export function TotpEnrollment() {
  const qc = useQueryClient();
  const enroll = useEnrollTotp();
  const confirm = useConfirmTotp();
  const [code, setCode] = useState('');

  if (confirm.data) {
    return (
      <Stack>
        <Alert color="green" variant="light" title="Two-step verification is on" role="status">
          Keep these recovery codes somewhere safe. Each one signs you in once if you lose your authenticator;
          Ward cannot show them again.
        </Alert>
        <List aria-label="Recovery codes" spacing={2}>
          {confirm.data.recovery_codes.map((c) => (
            <List.Item key={c}>
              <Code>{c}</Code>
            </List.Item>
          ))}
        </List>
        {/* Only now does the page move on: the codes stay until the person says they have them. */}
        <Button w="fit-content" onClick={() => qc.invalidateQueries()}>
          I have saved them
        </Button>
      </Stack>
    );
  }
  if (!enroll.data) {
    return (
      <Stack align="flex-start">
        <ErrorAlert error={enroll.error} title="Could not start enrolling" />
        <Button onClick={() => enroll.mutate()} loading={enroll.isPending}>
          Set up an authenticator app
        </Button>
      </Stack>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    confirm.mutate(code.trim());
  };
  return (
    <form onSubmit={submit} aria-label="Confirm your authenticator">
      <Stack>
        <Text size="sm">
          Scan this code with your authenticator app, then enter the 6-digit code it shows.
        </Text>
        <Image
          src={`data:image/svg+xml;base64,${btoa(enroll.data.qr_svg)}`}
          alt="QR code for your authenticator app"
          w={200}
          h={200}
        />
        <Text size="sm">
          Or type this secret: <Code data-testid="totp-secret">{enroll.data.secret}</Code>
        </Text>
        <ErrorAlert error={confirm.error} title="That code did not work" />
        <Group align="flex-end">
          <TextInput
            label="Code from the app"
            autoComplete="one-time-code"
            inputMode="numeric"
            required
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
          />
          <Button type="submit" loading={confirm.isPending}>
            Turn on two-step verification
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
