/**
 * @module components/compliance-banner
 * On every page of a HIPAA org, for those who may read its compliance posture: which required
 * controls fail and why, and which recovered in the last day, linked to the Compliance tab.
 * Members and developers may not read the posture, so it is not asked for them.
 */
import { Alert, Anchor, List, Stack } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { useCompliance } from '../api/compliance';
import type { Control } from '../api/compliance-types';
import type { Org } from '../api/types';
import { failingRequired, readsCompliance, recovered, STATE_LABELS } from '../lib/compliance-format';

/** How many failing controls the banner names before "and N more". */
const NAMED = 3;

function Named({ controls, say }: { controls: Control[]; say: (c: Control) => string }) {
  const more = controls.length - NAMED;
  return (
    <List size="sm" spacing={2}>
      {controls.slice(0, NAMED).map((c) => (
        <List.Item key={c.id}>{say(c)}</List.Item>
      ))}
      {more > 0 ? <List.Item>and {more} more</List.Item> : null}
    </List>
  );
}

export function ComplianceBanner({ orgRef, org }: { orgRef: string; org: Org | undefined }) {
  const watched = org?.hipaa_enabled === true && readsCompliance(org.role);
  const posture = useCompliance(orgRef, watched).data;
  const tabPath = `/orgs/${encodeURIComponent(orgRef)}/compliance`;
  const onTab = useLocation().pathname === tabPath;
  if (!watched || !posture) return null;
  const failing = failingRequired(posture.controls);
  const back = recovered(posture.controls);
  if (failing.length === 0 && back.length === 0) return null;
  const tab = onTab ? null : (
    <Anchor component={Link} to={tabPath} size="sm">
      Open the Compliance tab
    </Anchor>
  );
  return (
    <Stack gap="xs" data-testid="compliance-banner">
      {failing.length > 0 ? (
        <Alert
          color="red"
          variant="light"
          title={`${failing.length} required HIPAA control${failing.length === 1 ? '' : 's'} failing`}
        >
          <Named controls={failing} say={(c) => `${c.citation} ${c.title} — ${c.message}`} />
          {tab}
        </Alert>
      ) : null}
      {back.length > 0 ? (
        <Alert color="green" variant="light" role="status" title="Recovered">
          <Named
            controls={back}
            say={(c) =>
              `${c.citation} ${c.title} is ${c.state === 'passing' ? 'passing again' : `met again (${STATE_LABELS[c.state]})`}`
            }
          />
          {failing.length === 0 ? tab : null}
        </Alert>
      ) : null}
    </Stack>
  );
}
