/**
 * @module pages/hipaa/hipaa-page
 * The organization's HIPAA tab (`/orgs/:org/hipaa`): its details (legal name and address, which
 * the BAA names), the plan (operator), HIPAA and the BAA, encryption keys, and certificates of
 * destruction.
 */
import { Stack } from '@mantine/core';
import { useOrg } from '../../api/orgs';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { OrgHeader, useOrgRef } from '../access/org-header';
import { OrgCompliance } from './org-compliance';

export function HipaaPage() {
  const ref = useOrgRef();
  const org = useOrg(ref);
  return (
    <Stack>
      <OrgHeader title="HIPAA" />
      {org.isPending ? <Loading what="the organization" /> : null}
      <ErrorAlert error={org.error} title="Could not open the organization" />
      {org.data ? <OrgCompliance org={org.data} orgRef={ref} /> : null}
    </Stack>
  );
}
