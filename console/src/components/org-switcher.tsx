/**
 * @module components/org-switcher
 * The header's organization picker: goes to the chosen org's page. The current org comes from the
 * URL (`/orgs/:org`, by id or name), or from the project shown at `/projects/:id`.
 */
import { NativeSelect } from '@mantine/core';
import { useMatch, useNavigate } from 'react-router';
import { useOrgs } from '../api/orgs';
import { useCachedProject } from '../api/projects';

export function OrgSwitcher() {
  const orgs = useOrgs();
  const navigate = useNavigate();
  const project = useCachedProject(useMatch('/projects/:id')?.params.id);
  const ref = useMatch('/orgs/:org/*')?.params.org ?? project.data?.org_id;
  const current = orgs.data?.find((o) => o.id === ref || o.name === ref);
  if (!orgs.data || orgs.data.length === 0) return null;
  return (
    <NativeSelect
      aria-label="Switch organization"
      size="xs"
      value={current?.name ?? ''}
      onChange={(e) => {
        if (e.currentTarget.value) navigate(`/orgs/${encodeURIComponent(e.currentTarget.value)}`);
      }}
      data={[{ value: '', label: 'Choose an organization', disabled: true }, ...orgs.data.map((o) => o.name)]}
    />
  );
}
