/**
 * @module pages/access/org-header
 * The top of every organization section page: the org's name, the section's title and the tabs.
 */
import { Stack, Title } from '@mantine/core';
import { useParams } from 'react-router';
import { OrgTabs } from '../../components/org-tabs';
import { usePageTitle } from '../../lib/use-page-title';

export function useOrgRef(): string {
  return useParams().org ?? '';
}

export function OrgHeader({ title }: { title: string }) {
  const org = useOrgRef();
  usePageTitle(`${title} · ${org}`);
  return (
    <Stack gap="xs">
      <Title order={1} size="h2">
        {org}: {title}
      </Title>
      <OrgTabs org={org} />
    </Stack>
  );
}
