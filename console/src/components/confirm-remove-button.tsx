/**
 * @module components/confirm-remove-button
 * "Remove" for one thing (an audit sink, a witness, …), after a confirmation dialog that says
 * what removing it does; a refusal from the API is shown in the dialog, which stays open.
 */
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { UseMutationResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorAlert } from './error-alert';

export function ConfirmRemoveButton({
  what,
  name,
  id,
  remove,
  children,
}: {
  /** What kind of thing it is, for the labels: "sink", "witness". */
  what: string;
  name: string;
  id: string;
  remove: UseMutationResult<unknown, Error, string>;
  /** What removing it does, in a sentence or two. */
  children: ReactNode;
}) {
  const [opened, { open, close }] = useDisclosure(false);
  const dismiss = () => {
    if (remove.isPending) return;
    remove.reset();
    close();
  };
  return (
    <>
      <Button
        size="compact-xs"
        color="red"
        variant="subtle"
        onClick={open}
        aria-label={`Remove ${what} ${name}`}
      >
        Remove
      </Button>
      <Modal opened={opened} onClose={dismiss} title={`Remove ${what} ${name}?`} centered>
        <Stack>
          <Text size="sm">{children}</Text>
          <ErrorAlert error={remove.error} title={`The ${what} was not removed`} />
          <Group justify="flex-end">
            <Button variant="default" onClick={dismiss} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate(id, { onSuccess: close })}
            >
              Remove {name}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
