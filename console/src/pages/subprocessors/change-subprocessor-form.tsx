/**
 * @module pages/subprocessors/change-subprocessor-form
 * For the operator: announce a change to a subprocessor's details (fields left blank stay as they
 * are) or its removal, each taking effect on the day given (at least the notice period ahead).
 */
import { Button, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type Subprocessor, useChangeSubprocessor, useRemoveSubprocessor } from '../../api/subprocessors';
import { ErrorAlert } from '../../components/error-alert';

export function ChangeSubprocessorForm({ list }: { list: Subprocessor[] }) {
  const open = list.filter((s) => s.removal_effective_at === null);
  const change = useChangeSubprocessor();
  const remove = useRemoveSubprocessor();
  const [id, setId] = useState('');
  const [purpose, setPurpose] = useState('');
  const [location, setLocation] = useState('');
  const [phi, setPhi] = useState('');
  const [effective, setEffective] = useState('');
  const chosen = open.find((s) => s.id === id) ?? open[0];
  if (!chosen) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    remove.reset();
    change.mutate({
      id: chosen.id,
      purpose: purpose.trim() || undefined,
      location: location.trim() || undefined,
      phi: phi === '' ? undefined : phi === 'yes',
      effective_at: effective,
    });
  };
  const announceRemoval = () => {
    change.reset();
    remove.mutate({ id: chosen.id, effective_at: effective });
  };
  return (
    <form onSubmit={submit} aria-labelledby="change-subprocessor-title">
      <Stack gap="sm" maw={560}>
        <Title order={2} size="h4" id="change-subprocessor-title">
          Announce a change or a removal
        </Title>
        <NativeSelect
          label="Subprocessor"
          data={open.map((s) => ({ value: s.id, label: s.name }))}
          value={chosen.id}
          onChange={(e) => setId(e.currentTarget.value)}
        />
        <TextInput
          label="New purpose"
          placeholder={chosen.purpose}
          maxLength={500}
          value={purpose}
          onChange={(e) => setPurpose(e.currentTarget.value)}
        />
        <TextInput
          label="New location"
          placeholder={chosen.location}
          maxLength={200}
          value={location}
          onChange={(e) => setLocation(e.currentTarget.value)}
        />
        <NativeSelect
          label="May it handle PHI?"
          data={[
            { value: '', label: `Unchanged (${chosen.phi ? 'yes' : 'no'})` },
            { value: 'no', label: 'No' },
            { value: 'yes', label: 'Yes' },
          ]}
          value={phi}
          onChange={(e) => setPhi(e.currentTarget.value)}
        />
        <TextInput
          type="date"
          label="Takes effect on"
          required
          value={effective}
          onChange={(e) => setEffective(e.currentTarget.value)}
        />
        <ErrorAlert error={change.error ?? remove.error} title="Nothing was announced" />
        {change.isSuccess || remove.isSuccess ? (
          <Text size="sm" c="green" role="status">
            Announced; every HIPAA organization was told.
          </Text>
        ) : null}
        <Group>
          <Button type="submit" variant="default" loading={change.isPending}>
            Announce change
          </Button>
          <Button
            color="red"
            variant="light"
            loading={remove.isPending}
            disabled={!effective}
            onClick={announceRemoval}
          >
            Announce removal
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
