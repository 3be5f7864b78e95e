/**
 * @module pages/audit/audit-settings-page
 * An org's audit settings (`/orgs/:org/audit/settings`, owners and admins): the sinks the log is
 * copied to, with their progress, a form to add one, the witnesses that cosign its checkpoints,
 * and how long events are kept.
 */
import { Anchor, Divider, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useOrg } from '../../api/orgs';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { OrgTabs } from '../../components/org-tabs';
import { usePageTitle } from '../../lib/use-page-title';
import { AddSinkForm } from './add-sink-form';
import { AuditSinksTable } from './audit-sinks-table';
import { RetentionForm } from './retention-form';
import { WitnessesSection } from './witnesses-section';

export function AuditSettingsPage() {
  const ref = useParams().org ?? '';
  const org = useOrg(ref);
  usePageTitle(`Audit settings · ${org.data?.name ?? ref}`);

  if (org.isPending) return <Loading what="the organization" />;
  if (org.error) return <ErrorAlert error={org.error} title="Could not open the organization" />;
  const name = org.data.name;
  return (
    <Stack>
      <Title order={1} size="h2">
        {name}: Audit settings
      </Title>
      <OrgTabs org={ref} />
      <Anchor component={Link} to={`/orgs/${encodeURIComponent(ref)}/audit`} size="sm">
        ← Back to the audit log
      </Anchor>
      <Title order={2} size="h4">
        Sinks
      </Title>
      <Text size="sm" c="dimmed">
        Ward copies every event, and its signed checkpoints, to each enabled sink, so a copy outside this
        database can reveal a rollback.
      </Text>
      <AuditSinksTable org={ref} />
      <AddSinkForm org={ref} />
      <Divider />
      <WitnessesSection org={ref} />
      <Divider />
      <RetentionForm key={org.data.settings.audit_retention_days ?? 'default'} org={org.data} orgRef={ref} />
    </Stack>
  );
}
