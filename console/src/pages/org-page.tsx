/**
 * @module pages/org-page
 * One organization (`/orgs/:org`, by id or name): its plan and HIPAA state, its projects, and the
 * "New project" form.
 */
import { Alert, Badge, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { useLocation, useParams } from 'react-router';
import { useOrg } from '../api/orgs';
import { ErrorAlert } from '../components/error-alert';
import { HipaaBadge } from '../components/hipaa-badge';
import { Loading } from '../components/loading';
import { OrgTabs } from '../components/org-tabs';
import { usePageTitle } from '../lib/use-page-title';
import { NewProjectForm } from './new-project-form';
import { ProjectsTable } from './projects-table';

/** A one-line notice another page left in the navigation state (e.g. after a deletion). */
function noticeOf(state: unknown): string | undefined {
  const notice = (state as { notice?: unknown } | null)?.notice;
  return typeof notice === 'string' ? notice : undefined;
}

export function OrgPage() {
  const ref = useParams().org ?? '';
  const org = useOrg(ref);
  const notice = noticeOf(useLocation().state);
  usePageTitle(org.data?.name ?? ref);

  if (org.isPending) return <Loading what="the organization" />;
  if (org.error) return <ErrorAlert error={org.error} title="Could not open the organization" />;
  const o = org.data;
  return (
    <Stack>
      <Group justify="space-between" align="center">
        <Title order={1} size="h2">
          {o.name}
        </Title>
        <Group gap="xs">
          <Badge variant="outline">plan: {o.plan}</Badge>
          <HipaaBadge enabled={o.hipaa_enabled} />
          <Badge variant="outline" color="gray">
            your role: {o.role ?? 'none (operator)'}
          </Badge>
        </Group>
      </Group>
      <OrgTabs org={ref} />
      {notice ? (
        <Alert color="green" variant="light" role="status">
          {notice}
        </Alert>
      ) : null}
      <Title order={2} size="h4">
        Projects
      </Title>
      <ProjectsTable org={ref} />
      <Divider />
      <NewProjectForm org={o} orgRef={ref} />
      {o.hipaa_enabled ? null : (
        <Text size="sm" c="dimmed">
          HIPAA projects need HIPAA enabled for the organization: the enterprise plan and a signed BAA.
        </Text>
      )}
    </Stack>
  );
}
