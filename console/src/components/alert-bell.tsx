/**
 * @module components/alert-bell
 * The header's notifications: for the org in view (from the URL, as the org switcher reads it),
 * the number of open alerts, linking to its Alerts page. Shown only to those who may read alerts.
 */
import { Anchor, Badge, Group } from '@mantine/core';
import { Link, useMatch } from 'react-router';
import { readsAlerts, useAlerts } from '../api/alerts';
import { useOrgs } from '../api/orgs';

export function AlertBell() {
  const ref = useMatch('/orgs/:org/*')?.params.org;
  const org = useOrgs().data?.find((o) => o.id === ref || o.name === ref);
  const allowed = org !== undefined && readsAlerts(org.role);
  const alerts = useAlerts(org?.name ?? '', 'open', allowed);
  if (!org || !allowed || !alerts.data) return null;
  const open = alerts.data.open;
  return (
    <Anchor
      component={Link}
      to={`/orgs/${encodeURIComponent(org.name)}/alerts`}
      size="sm"
      underline="never"
      aria-label={`${open} open ${open === 1 ? 'alert' : 'alerts'} in ${org.name}`}
      data-testid="alert-bell"
    >
      <Group gap={4} wrap="nowrap">
        <span aria-hidden="true">🔔</span>
        <Badge color={open > 0 ? 'red' : 'gray'} size="sm" circle={open < 10}>
          {open}
        </Badge>
      </Group>
    </Anchor>
  );
}
