/**
 * @module components/scope-picker
 * The scopes an API token can be narrowed to, as checkboxes: a service account's tokens and
 * personal tokens use the same list (src/policy/scopes.ts, without `*` and the operator's
 * `metrics:read`).
 */
import { Checkbox, Group } from '@mantine/core';

export const TOKEN_SCOPES = [
  'projects:read',
  'projects:write',
  'db:connect',
  'audit:read',
  'org:read',
  'org:admin',
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export function ScopePicker(props: {
  label: string;
  value: TokenScope[];
  onChange: (scopes: TokenScope[]) => void;
}) {
  return (
    <Checkbox.Group
      label={props.label}
      value={props.value}
      onChange={(v) => props.onChange(TOKEN_SCOPES.filter((s) => v.includes(s)))}
    >
      <Group gap="xs">
        {TOKEN_SCOPES.map((s) => (
          <Checkbox key={s} value={s} label={s} />
        ))}
      </Group>
    </Checkbox.Group>
  );
}
