/**
 * @module pages/alerts/alert-rules-section
 * The org's alert rules (on by default for HIPAA orgs) with their threshold and window, and its
 * declared working hours with their time zone (the off-hours rule). Owners and admins change them.
 */
import { Button, Group, NumberInput, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import {
  type AlertRule,
  useAlertRules,
  useAlertSettings,
  useSetAlertSettings,
  useSetRule,
} from '../../api/alerts';
import { ErrorAlert } from '../../components/error-alert';

function RuleRow({ org, r, manages }: { org: string; r: AlertRule; manages: boolean }) {
  const set = useSetRule(org);
  const [threshold, setThreshold] = useState<number | string>(r.threshold);
  const [windowS, setWindowS] = useState<number | string>(r.window_seconds);
  const changed = Number(threshold) !== r.threshold || Number(windowS) !== r.window_seconds;
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={600}>
          {r.title}
        </Text>
        <Text size="xs" c="dimmed">
          {r.rule}: {r.description}
        </Text>
        <ErrorAlert error={set.error} title="Refused" />
      </Table.Td>
      <Table.Td>
        <Switch
          aria-label={`${r.rule} on`}
          checked={r.enabled}
          disabled={!manages || set.isPending}
          onChange={(e) => set.mutate({ rule: r.rule, body: { enabled: e.currentTarget.checked } })}
        />
      </Table.Td>
      <Table.Td>
        {r.counts ? (
          <Group gap="xs" wrap="nowrap">
            <NumberInput
              size="xs"
              w={110}
              aria-label={`${r.rule} threshold`}
              min={1}
              value={threshold}
              onChange={setThreshold}
              disabled={!manages}
            />
            <NumberInput
              size="xs"
              w={110}
              aria-label={`${r.rule} window in seconds`}
              min={1}
              value={windowS}
              onChange={setWindowS}
              disabled={!manages}
            />
            {manages && changed ? (
              <Button
                size="xs"
                onClick={() =>
                  set.mutate({
                    rule: r.rule,
                    body: { threshold: Number(threshold), window_seconds: Number(windowS) },
                  })
                }
              >
                Save
              </Button>
            ) : null}
          </Group>
        ) : (
          <Text size="xs" c="dimmed">
            fires on each event
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function HoursForm({ org, manages }: { org: string; manages: boolean }) {
  const settings = useAlertSettings(org);
  const save = useSetAlertSettings(org);
  const [start, setStart] = useState('08:00');
  const [end, setEnd] = useState('18:00');
  const [days, setDays] = useState('1,2,3,4,5');
  const [zone, setZone] = useState('UTC');
  const hours = settings.data?.working_hours;
  useEffect(() => {
    if (!hours) return;
    setStart(hours.start);
    setEnd(hours.end);
    setDays(hours.days.join(','));
    setZone(hours.time_zone);
  }, [hours]);
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        Working hours
      </Title>
      <Text size="sm">
        {hours
          ? `Declared: ${hours.start}–${hours.end}, days ${hours.days.join(',')}, ${hours.time_zone}.`
          : 'None declared: the off-hours rule stays quiet.'}
      </Text>
      <ErrorAlert error={save.error} title="Refused" />
      {manages ? (
        <Group gap="xs" align="flex-end">
          <TextInput
            size="xs"
            w={90}
            label="Start"
            value={start}
            onChange={(e) => setStart(e.currentTarget.value)}
          />
          <TextInput
            size="xs"
            w={90}
            label="End"
            value={end}
            onChange={(e) => setEnd(e.currentTarget.value)}
          />
          <TextInput
            size="xs"
            w={140}
            label="Days (1 Monday … 7 Sunday)"
            value={days}
            onChange={(e) => setDays(e.currentTarget.value)}
          />
          <TextInput
            size="xs"
            w={170}
            label="Time zone"
            value={zone}
            onChange={(e) => setZone(e.currentTarget.value)}
          />
          <Button
            size="xs"
            onClick={() =>
              save.mutate({
                working_hours: {
                  start,
                  end,
                  days: days
                    .split(',')
                    .map((d) => Number(d.trim()))
                    .filter((d) => d >= 1 && d <= 7),
                  time_zone: zone.trim(),
                },
              })
            }
          >
            Save hours
          </Button>
          {hours ? (
            <Button size="xs" variant="default" onClick={() => save.mutate({ working_hours: null })}>
              Clear
            </Button>
          ) : null}
        </Group>
      ) : null}
    </Stack>
  );
}

export function AlertRulesSection({ org, manages }: { org: string; manages: boolean }) {
  const rules = useAlertRules(org);
  return (
    <Stack mt="lg">
      <Title order={2} size="h3">
        Rules
      </Title>
      <ErrorAlert error={rules.error} />
      {rules.data ? (
        <Table aria-label="Alert rules">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Rule</Table.Th>
              <Table.Th>On</Table.Th>
              <Table.Th>Threshold and window (s)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.data.map((r) => (
              <RuleRow
                key={`${r.rule}-${r.threshold}-${r.window_seconds}`}
                org={org}
                r={r}
                manages={manages}
              />
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <HoursForm org={org} manages={manages} />
    </Stack>
  );
}
