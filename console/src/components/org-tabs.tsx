/**
 * @module components/org-tabs
 * The sections of an organization: projects, members, service accounts, break-glass, access
 * reviews, the audit log (for those who may read it: owners, admins, auditors, the operator),
 * settings.
 */
import { Anchor, Group } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { useOrg } from '../api/orgs';

const SECTIONS = [
  ['', 'Projects'],
  ['/members', 'Members'],
  ['/service-accounts', 'Service accounts'],
  ['/break-glass', 'Break-glass'],
  ['/access-reviews', 'Access reviews'],
  ['/audit', 'Audit log'],
  ['/hipaa', 'HIPAA'],
  ['/settings', 'Settings'],
] as const;

/** Whose role lets them read the audit log (src/audit/audit.access.ts); null is the operator. */
const readsAudit = (role: string | null | undefined) =>
  role === null || role === 'owner' || role === 'admin' || role === 'auditor';

export function OrgTabs({ org }: { org: string }) {
  const here = useLocation().pathname;
  const role = useOrg(org).data?.role;
  const base = `/orgs/${encodeURIComponent(org)}`;
  return (
    <nav aria-label="Organization">
      <Group gap="md">
        {SECTIONS.filter(([path]) => path !== '/audit' || readsAudit(role)).map(([path, label]) => (
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
  );
}
