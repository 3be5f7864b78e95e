/**
 * @module pages/hipaa/org-compliance
 * The HIPAA tab's sections: the plan (operator), organization details, HIPAA, encryption keys
 * (and the root key, which may be in the org's HSM) and certificates of destruction. HIPAA, keys
 * and certificates are for owners, admins, auditors and the operator. The compliance report,
 * publicity and notices are on the Compliance tab.
 */
import { Divider, Stack } from '@mantine/core';
import { useMe } from '../../api/auth';
import type { Org } from '../../api/types';
import { CertificatesSection } from './certificates-section';
import { HipaaSection } from './hipaa-section';
import { KeysSection } from './keys-section';
import { OrgDetailsForm } from './org-details-form';
import { PlanForm } from './plan-form';
import { RootKeySection } from './root-key-section';

export function OrgCompliance({ org, orgRef }: { org: Org; orgRef: string }) {
  const me = useMe().data;
  const oversight = me?.operator || org.role === 'owner' || org.role === 'admin' || org.role === 'auditor';
  return (
    <Stack>
      {me?.operator ? <PlanForm org={org} orgRef={orgRef} /> : null}
      <OrgDetailsForm org={org} orgRef={orgRef} />
      {oversight ? (
        <>
          <Divider />
          <HipaaSection org={org} orgRef={orgRef} />
          <Divider />
          <KeysSection org={org} orgRef={orgRef} />
          <RootKeySection org={org} orgRef={orgRef} />
          <Divider />
          <CertificatesSection orgRef={orgRef} />
        </>
      ) : null}
    </Stack>
  );
}
