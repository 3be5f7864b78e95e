/**
 * @module pages/audit/quorum-form
 * How many witnesses must cosign a checkpoint for it to count. Ward refuses a quorum larger than
 * the registered witnesses; its message shows here.
 */
import { Button, Group, NumberInput, Stack, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSetQuorum } from '../../api/audit-witnesses';
import { ErrorAlert } from '../../components/error-alert';

export function QuorumForm({ org, quorum }: { org: string; quorum: number }) {
  const save = useSetQuorum(org);
  const [value, setValue] = useState<string | number>(quorum);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(Number(value));
  };

  return (
    <form onSubmit={submit} aria-labelledby="quorum-title">
      <Stack gap="sm" maw={560}>
        <Title order={3} size="h5" id="quorum-title">
          Witness quorum
        </Title>
        <Group align="flex-end">
          <NumberInput
            label="Quorum"
            description="Witnesses that must cosign a checkpoint"
            required
            min={1}
            max={64}
            allowDecimal={false}
            value={value}
            onChange={setValue}
            w={260}
          />
          <Button type="submit" loading={save.isPending}>
            Save quorum
          </Button>
        </Group>
        <ErrorAlert error={save.error} title="The quorum was not changed" />
      </Stack>
    </form>
  );
}
