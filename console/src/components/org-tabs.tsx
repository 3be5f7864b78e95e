/**
 * @module components/org-tabs
 * The sections of an organization: projects, members, service accounts, break-glass, access
 * reviews, the audit log and compliance (for those who may read them: owners, admins, auditors,
 * the operator), HIPAA, incidents (owners, admins, auditors), settings. Below them, on every org page, the compliance banner (failing
 * required HIPAA controls).
 */
import { Anchor, Group } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { readsAlerts } from '../api/alerts';
import { useOrg } from '../api/orgs';
import { readsCompliance } from '../lib/compliance-format';
import { ComplianceBanner } from './compliance-banner';

const SECTIONS = [
  ['', 'Projects'],
  ['/members', 'Members'],
  ['/service-accounts', 'Service accounts'],
  ['/break-glass', 'Break-glass'],
  ['/access-reviews', 'Access reviews'],
  ['/audit', 'Audit log'],
  ['/hipaa', 'HIPAA'],
  ['/compliance', 'Compliance'],
  ['/alerts', 'Alerts'],
  ['/incidents', 'Incidents'],
  ['/settings', 'Settings'],
] as const;

/** Whose role lets them read the audit log (src/audit/audit.access.ts); null is the operator. */
const readsAudit = (role: string | null | undefined) =>
  role === null || role === 'owner' || role === 'admin' || role === 'auditor';

export function OrgTabs({ org }: { org: string }) {
  const here = useLocation().pathname;
  const current = useOrg(org).data;
  const role = current?.role;
  const base = `/orgs/${encodeURIComponent(org)}`;
  const shown = (path: string) =>
    (path !== '/audit' || readsAudit(role)) &&
    (path !== '/compliance' || readsCompliance(role)) &&
    (path !== '/alerts' || readsAlerts(role)) &&
    (path !== '/incidents' || (role !== null && readsCompliance(role)));
  return (
    <>
      <nav aria-label="Organization">
        <Group gap="md">
          {SECTIONS.filter(([path]) => shown(path)).map(([path, label]) => (
            <Anchor
              key={label}
              component={Link}
              to={`${base}${path}`}
              size="sm"
              fw={here === `${base}${path}` ? 700 : 400}
              aria-current={here === `${base}${path}` ? 'page' : undefined}
            >
              {label}
            </Anchor>
          ))}
        </Group>
      </nav>
      <ComplianceBanner orgRef={org} org={current} />
    </>
  );
}
