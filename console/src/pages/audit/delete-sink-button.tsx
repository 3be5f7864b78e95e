/**
 * @module pages/audit/delete-sink-button
 * "Remove" for one sink, after a confirmation dialog. What the sink already received stays where
 * it is; Ward just stops copying to it.
 */
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useDeleteSink } from '../../api/audit-sinks';
import type { SinkView } from '../../api/audit-types';
import { ErrorAlert } from '../../components/error-alert';

export function DeleteSinkButton({ org, sink }: { org: string; sink: SinkView }) {
  const [opened, { open, close }] = useDisclosure(false);
  const remove = useDeleteSink(org);
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
        aria-label={`Remove sink ${sink.name}`}
      >
        Remove
      </Button>
      <Modal opened={opened} onClose={dismiss} title={`Remove sink ${sink.name}?`} centered>
        <Stack>
          <Text size="sm">
            Ward stops copying the audit log to {sink.target}. What it already received stays there.
          </Text>
          <ErrorAlert error={remove.error} title="The sink was not removed" />
          <Group justify="flex-end">
            <Button variant="default" onClick={dismiss} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate(sink.id, { onSuccess: close })}
            >
              Remove {sink.name}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
