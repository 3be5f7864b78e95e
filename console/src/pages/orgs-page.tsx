/**
 * @module pages/orgs-page
 * Your organizations (every one, for the operator) with plan, HIPAA and your role; and a form
 * to create one. The operator also finds here the BAAs waiting for their countersignature and
 * the business associate those BAAs name.
 */
import { Anchor, Divider, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useMe } from '../api/auth';
import { useOrgs } from '../api/orgs';
import type { Org } from '../api/types';
import { ErrorAlert } from '../components/error-alert';
import { HipaaBadge } from '../components/hipaa-badge';
import { Loading } from '../components/loading';
import { usePageTitle } from '../lib/use-page-title';
import { CreateOrgForm } from './create-org-form';
import { BusinessAssociateForm } from './hipaa/business-associate-form';
import { PendingBaas } from './hipaa/pending-baas';

function OrgRow({ org }: { org: Org }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/orgs/${encodeURIComponent(org.name)}`}>
          {org.name}
        </Anchor>
      </Table.Td>
      <Table.Td>{org.plan}</Table.Td>
      <Table.Td>
        <HipaaBadge enabled={org.hipaa_enabled} />
      </Table.Td>
      <Table.Td>{org.role ?? 'none (operator)'}</Table.Td>
    </Table.Tr>
  );
}

export function OrgsPage() {
  usePageTitle('Organizations');
  const orgs = useOrgs();
  const me = useMe().data;
  return (
    <Stack>
      <Title order={1} size="h2">
        Organizations
      </Title>
      <ErrorAlert error={orgs.error} />
      {orgs.isPending ? <Loading what="organizations" /> : null}
      {orgs.data && orgs.data.length === 0 ? (
        <Text c="dimmed">No organizations yet: create the first one below.</Text>
      ) : null}
      {orgs.data && orgs.data.length > 0 ? (
        <Table aria-label="Organizations" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Plan</Table.Th>
              <Table.Th>HIPAA</Table.Th>
              <Table.Th>Your role</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {orgs.data.map((org) => (
              <OrgRow key={org.id} org={org} />
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <PendingBaas operator={me?.operator === true} />
      <BusinessAssociateForm operator={me?.operator === true} />
      <Divider />
      <CreateOrgForm />
    </Stack>
  );
}
