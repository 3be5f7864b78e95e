/**
 * @module pages/audit/audit-page
 * An org's audit log (`/orgs/:org/audit`): filters (kept in the address), the events, each
 * event's detail, "Verify chain" and the exports. Owners, admins, auditors and the operator may
 * read it; anyone else sees the API's refusal.
 */
import { Anchor, Group, Stack, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useExportAudit, useVerifyAudit } from '../../api/audit';
import type { AuditFilters } from '../../api/audit-types';
import { useOrg } from '../../api/orgs';
import { ErrorAlert } from '../../components/error-alert';
import { OrgTabs } from '../../components/org-tabs';
import { filtersFrom, paramsFor, type Range, rangeFrom } from '../../lib/audit-format';
import { usePageTitle } from '../../lib/use-page-title';
import { AuditEventsTable } from './audit-events-table';
import { ExportButtons } from './audit-export';
import { AuditFilterForm } from './audit-filters';
import { VerifyButton, VerifyResult } from './audit-verify';

export function AuditPage() {
  const ref = useParams().org ?? '';
  const org = useOrg(ref);
  const [params, setParams] = useSearchParams();
  const verify = useVerifyAudit(ref);
  const exporter = useExportAudit(ref);
  const name = org.data?.name ?? ref;
  usePageTitle(`Audit log · ${name}`);

  // Computed once per address, so a relative range does not move (and refetch) on every render.
  const filters = useMemo(() => filtersFrom(params), [params]);
  const apply = (next: AuditFilters, range: Range) => setParams(paramsFor(next, range));
  const role = org.data?.role;
  const manages = org.data !== undefined && (role === 'owner' || role === 'admin' || role === null);

  return (
    <Stack>
      <Group justify="space-between" align="center">
        <Title order={1} size="h2">
          {name}: Audit log
        </Title>
        <Group gap="xs">
          {manages ? (
            <Anchor component={Link} to="settings" size="sm" mr="sm">
              Audit settings
            </Anchor>
          ) : null}
          <VerifyButton verify={verify} />
          <ExportButtons exporter={exporter} />
        </Group>
      </Group>
      <OrgTabs org={ref} />
      <ErrorAlert error={org.error} title="Could not open the organization" />
      <VerifyResult verify={verify} />
      <ErrorAlert error={exporter.error} title="The export did not download" />
      {exporter.data ? (
        <Text size="sm" role="status">
          Saved {exporter.data}.
        </Text>
      ) : null}
      <AuditFilterForm
        key={params.toString()}
        initial={filters}
        initialRange={rangeFrom(params)}
        onApply={apply}
      />
      <AuditEventsTable org={ref} filters={filters} />
    </Stack>
  );
}
