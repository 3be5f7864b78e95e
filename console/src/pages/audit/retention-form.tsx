/**
 * @module pages/audit/retention-form
 * How long the org's audit events are kept (`settings.audit_retention_days`; absent means the
 * default, six years). HIPAA organizations cannot go below six years: Ward refuses, and its
 * message shows here.
 */
import { Button, Group, NumberInput, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSetRetention } from '../../api/audit-sinks';
import type { Org } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { DEFAULT_RETENTION_DAYS } from '../../lib/audit-format';

const years = (days: number) => (days / 365.25).toFixed(1);

export function RetentionForm({ org, orgRef }: { org: Org; orgRef: string }) {
  const current = org.settings.audit_retention_days;
  const save = useSetRetention(orgRef);
  const [days, setDays] = useState<string | number>(current ?? DEFAULT_RETENTION_DAYS);
  const shown = current ?? DEFAULT_RETENTION_DAYS;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(Number(days));
  };

  return (
    <form onSubmit={submit} aria-labelledby="retention-title">
      <Stack gap="sm" maw={560}>
        <Title order={2} size="h4" id="retention-title">
          Retention
        </Title>
        <Text size="sm" role="status">
          Audit events are kept for {shown} days (about {years(shown)} years)
          {current === undefined ? ', the default' : ''}.
          {org.hipaa_enabled ? ' HIPAA organizations keep them at least 2192 days (six years).' : ''}
        </Text>
        <Group align="flex-end">
          <NumberInput
            label="Keep audit events for (days)"
            required
            min={1}
            allowDecimal={false}
            value={days}
            onChange={setDays}
            w={260}
          />
          <Button type="submit" loading={save.isPending}>
            Save retention
          </Button>
        </Group>
        <ErrorAlert error={save.error} title="Retention was not changed" />
      </Stack>
    </form>
  );
}
