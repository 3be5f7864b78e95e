/**
 * @module pages/subprocessors/add-subprocessor-form
 * For the operator: announce a new subprocessor. It takes effect on the day given, which must be
 * at least the notice period ahead; every HIPAA organization is told at once.
 */
import { Button, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useAddSubprocessor } from '../../api/subprocessors';
import { ErrorAlert } from '../../components/error-alert';

export function AddSubprocessorForm() {
  const add = useAddSubprocessor();
  const [name, setName] = useState('');
  const [purpose, setPurpose] = useState('');
  const [location, setLocation] = useState('');
  const [phi, setPhi] = useState('no');
  const [effective, setEffective] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(
      {
        name: name.trim(),
        purpose: purpose.trim(),
        location: location.trim(),
        phi: phi === 'yes',
        effective_at: effective,
      },
      {
        onSuccess: () => {
          setName('');
          setPurpose('');
          setLocation('');
        },
      },
    );
  };
  return (
    <form onSubmit={submit} aria-labelledby="add-subprocessor-title">
      <Stack gap="sm" maw={560}>
        <Title order={2} size="h4" id="add-subprocessor-title">
          Announce a subprocessor
        </Title>
        <Text size="sm" c="dimmed">
          Every HIPAA organization is told at once (console and alert webhook); the subprocessor takes effect
          on the day you give, at least the notice period from today.
        </Text>
        <TextInput
          label="Name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <TextInput
          label="Purpose"
          description="What it does for this Ward, e.g. off-site backup storage"
          required
          maxLength={500}
          value={purpose}
          onChange={(e) => setPurpose(e.currentTarget.value)}
        />
        <TextInput
          label="Location"
          description="Where it processes data, e.g. United States"
          required
          maxLength={200}
          value={location}
          onChange={(e) => setLocation(e.currentTarget.value)}
        />
        <NativeSelect
          label="May it handle PHI?"
          data={[
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
        <ErrorAlert error={add.error} title="The subprocessor was not announced" />
        {add.isSuccess ? (
          <Text size="sm" c="green" role="status">
            Announced {add.data.name}: it takes effect on{' '}
            {new Date(add.data.effective_at).toLocaleDateString()}, and every HIPAA organization was told.
          </Text>
        ) : null}
        <Group>
          <Button type="submit" loading={add.isPending}>
            Announce subprocessor
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
