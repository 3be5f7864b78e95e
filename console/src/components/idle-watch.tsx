/**
 * @module components/idle-watch
 * The session's idle limit, from the console's side: a minute before Ward would end the session
 * for inactivity, a dialog says so and offers to stay signed in; when the minute is up the
 * console signs out. Ward enforces the limit itself; this only warns first.
 */
import { Button, Group, Modal, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSignOut } from '../api/auth';
import { api, lastActivityAt } from '../api/client';
import { keys } from '../api/keys';
import { useSession } from '../api/mfa';

const WARN_MS = 60_000;

export function IdleWatch() {
  const session = useSession();
  const signOut = useSignOut();
  const endSession = signOut.mutate;
  const qc = useQueryClient();
  const [left, setLeft] = useState<number | null>(null);
  const idleMs = (session.data?.idle_minutes ?? 0) * 60_000;

  useEffect(() => {
    if (!idleMs) return;
    const tick = setInterval(() => {
      const remaining = lastActivityAt() + idleMs - Date.now();
      if (remaining <= 0) {
        clearInterval(tick);
        endSession(undefined, { onError: () => qc.setQueryData(keys.me, null) });
      } else setLeft(remaining <= WARN_MS ? remaining : null);
    }, 1000);
    return () => clearInterval(tick);
  }, [idleMs, endSession, qc]);

  return (
    <Modal opened={left !== null} onClose={() => setLeft(null)} title="Still there?" centered>
      <Text size="sm">
        For your organization's security you will be signed out in {Math.ceil((left ?? 0) / 1000)} seconds
        without activity.
      </Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={() => signOut.mutate()}>
          Sign out now
        </Button>
        <Button onClick={() => api('GET', '/me').then(() => setLeft(null))}>Stay signed in</Button>
      </Group>
    </Modal>
  );
}
