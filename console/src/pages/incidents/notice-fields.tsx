/**
 * @module pages/incidents/notice-fields
 * The content of a notice as 164.404(c) lists it, as form fields: what happened, the types of PHI,
 * the steps individuals should take, what the org is doing, how to reach it; for a notice to a
 * covered entity, how the affected individuals are identified.
 */
import { Group, Stack, Textarea, TextInput } from '@mantine/core';
import type { Notice } from '../../api/incidents';

export type Content = Notice['content'];

export function NoticeFields({
  value,
  onChange,
  kind,
}: {
  value: Content;
  onChange: (c: Content) => void;
  kind: string;
}) {
  const set = (patch: Partial<Content>) => onChange({ ...value, ...patch });
  const contact = value.contact ?? {};
  const setContact = (patch: Partial<NonNullable<Content['contact']>>) =>
    set({ contact: { ...contact, ...patch } });
  return (
    <Stack gap="xs">
      <Textarea
        label="What happened"
        autosize
        value={value.description ?? ''}
        onChange={(e) => set({ description: e.currentTarget.value })}
      />
      <TextInput
        label="Types of PHI involved"
        description="comma separated"
        value={value.phi_types?.join(', ') ?? ''}
        onChange={(e) =>
          set({
            phi_types: e.currentTarget.value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          })
        }
      />
      {kind === 'covered_entity' ? (
        <Textarea
          label="How the affected individuals are identified"
          autosize
          value={value.identities ?? ''}
          onChange={(e) => set({ identities: e.currentTarget.value })}
        />
      ) : (
        <>
          {kind !== 'secretary' ? (
            <Textarea
              label="Steps individuals should take"
              autosize
              value={value.steps ?? ''}
              onChange={(e) => set({ steps: e.currentTarget.value })}
            />
          ) : null}
          <Textarea
            label="What the organization is doing"
            autosize
            value={value.org_actions ?? ''}
            onChange={(e) => set({ org_actions: e.currentTarget.value })}
          />
        </>
      )}
      <Group grow>
        <TextInput
          label="Toll-free number"
          value={contact.toll_free ?? ''}
          onChange={(e) => setContact({ toll_free: e.currentTarget.value })}
        />
        <TextInput
          label="Contact e-mail"
          value={contact.email ?? ''}
          onChange={(e) => setContact({ email: e.currentTarget.value })}
        />
      </Group>
      <Group grow>
        <TextInput
          label="Web site"
          value={contact.website ?? ''}
          onChange={(e) => setContact({ website: e.currentTarget.value })}
        />
        <TextInput
          label="Postal address"
          value={contact.postal ?? ''}
          onChange={(e) => setContact({ postal: e.currentTarget.value })}
        />
      </Group>
    </Stack>
  );
}
