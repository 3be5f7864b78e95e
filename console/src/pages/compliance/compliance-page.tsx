/**
 * @module pages/compliance/compliance-page
 * The organization's Compliance tab (`/orgs/:org/compliance`): the HIPAA Required and Addressable
 * scores, 90 days of both, and every control grouped by safeguard; a control opens a drawer with
 * its evidence (and, for owners, the forms to attest or decide). Owners, admins, auditors and the
 * operator may read it; Ward checks every control on each read.
 */
import { Alert, Stack } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { useCompliance } from '../../api/compliance';
import { useOrg } from '../../api/orgs';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { readsCompliance } from '../../lib/compliance-format';
import { OrgHeader, useOrgRef } from '../access/org-header';
import { ControlDrawer } from './control-drawer';
import { ControlGroups } from './control-groups';
import { NoticesSection } from './notices-section';
import { PublicitySection } from './publicity-section';
import { ReportDownloads } from './report-downloads';
import { ScoreSummary } from './score-summary';

// The chart library (recharts) is most of this page's weight: its own chunk, after the scores.
const ScoreChart = lazy(async () => ({ default: (await import('./score-chart')).ScoreChart }));

export function CompliancePage() {
  const ref = useOrgRef();
  const org = useOrg(ref);
  const role = org.data?.role;
  const reads = org.data !== undefined && readsCompliance(role);
  const posture = useCompliance(ref, reads);
  const [open, setOpen] = useState<string | null>(null);
  const control = posture.data?.controls.find((c) => c.id === open);

  return (
    <Stack>
      <OrgHeader title="Compliance" />
      <ErrorAlert error={org.error} title="Could not open the organization" />
      {org.data && !reads ? (
        <Alert color="gray" variant="light" title="Not for your role">
          The compliance center is for the organization's owners, admins and auditors.
        </Alert>
      ) : null}
      {reads && posture.isPending ? <Loading what="the compliance posture" /> : null}
      <ErrorAlert error={posture.error} title="Could not check the compliance posture" />
      {posture.data ? (
        <>
          <ScoreSummary posture={posture.data} />
          <Suspense fallback={<Loading what="the chart" />}>
            <ScoreChart history={posture.data.history} />
          </Suspense>
          <ReportDownloads orgRef={ref} />
          <PublicitySection orgRef={ref} />
          <NoticesSection orgRef={ref} />
          <ControlGroups controls={posture.data.controls} onOpen={setOpen} />
          <ControlDrawer
            org={ref}
            control={control}
            manages={role === 'owner'}
            onClose={() => setOpen(null)}
          />
        </>
      ) : null}
    </Stack>
  );
}
