/**
 * @module pages/hipaa/hipaa-section
 * An org's HIPAA: what is in place (plan, BAA and its signatures, HIPAA projects), a warning for
 * projects that take plaintext connections from loopback, the next step, and what the person
 * looking may do: the owner enables HIPAA (signing the BAA) or turns it off,
 * the operator countersigns; both download the executed BAA.
 */
import { Alert, Anchor, Button, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useMe } from '../../api/auth';
import { baaPdfUrl, useHipaa, useSetHipaa } from '../../api/hipaa';
import type { Signature } from '../../api/hipaa-types';
import type { Org } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { HipaaBadge } from '../../components/hipaa-badge';
import { Loading } from '../../components/loading';
import { BaaCountersignForm } from './baa-countersign-form';
import { BaaSignFlow } from './baa-sign-flow';

const signature = (s: Signature | null) =>
  s
    ? `${s.name}, ${s.title} (${s.email}), ${new Date(s.at).toLocaleString()} from ${s.ip ?? 'unknown address'}`
    : '—';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={180}>
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

/** Projects that take plaintext connections from loopback: each a link to where it is changed. */
function PlaintextWarning({ projects }: { projects: { id: string; name: string }[] }) {
  if (projects.length === 0) return null;
  return (
    <Alert color="yellow" variant="light" role="note" title="Projects that allow plaintext connections">
      <Text size="sm">
        These projects take connections without TLS from the gateway’s own machine (loopback); every other
        project requires TLS. An owner or admin changes it under Connections on the project’s page.
      </Text>
      <Group gap="sm" mt="xs">
        {projects.map((p) => (
          <Anchor key={p.id} component={Link} to={`/projects/${encodeURIComponent(p.id)}`} size="sm">
            {p.name}
          </Anchor>
        ))}
      </Group>
    </Alert>
  );
}

export function HipaaSection({ org, orgRef }: { org: Org; orgRef: string }) {
  const me = useMe().data;
  const state = useHipaa(orgRef);
  const toggle = useSetHipaa(orgRef);
  if (state.isPending) return <Loading what="HIPAA" />;
  if (state.error) return <ErrorAlert error={state.error} title="Could not read the HIPAA state" />;
  const h = state.data;
  const owner = org.role === 'owner';
  const baa = h.baa;

  return (
    <Stack gap="sm" aria-labelledby="hipaa-title" component="section">
      <Group gap="sm">
        <Title order={2} size="h4" id="hipaa-title">
          HIPAA
        </Title>
        <HipaaBadge enabled={h.enabled} />
      </Group>
      <Text size="sm" data-testid="hipaa-next-step">
        {h.next_step}
      </Text>
      <Table aria-label="HIPAA details" withTableBorder>
        <Table.Tbody>
          <Row label="Plan">
            {h.plan === h.required_plan ? h.plan : `${h.plan} (HIPAA needs ${h.required_plan})`}
          </Row>
          <Row label="BAA">{baa ? `${baa.status}, template ${baa.template_version}` : 'none signed'}</Row>
          {baa ? (
            <>
              <Row label="Document SHA-256">
                <Code>{baa.document_sha256}</Code>
              </Row>
              <Row label="Signed by">{signature(baa.signed)}</Row>
              <Row label="Countersigned by">{signature(baa.countersigned)}</Row>
            </>
          ) : null}
          {h.baa_current === false ? (
            <Row label="Note">The organization's details changed since the BAA was signed.</Row>
          ) : null}
          <Row label="HIPAA projects">
            {h.hipaa_projects.map((p) => `${p.name} (${p.status})`).join(', ') || 'none'}
          </Row>
        </Table.Tbody>
      </Table>
      <PlaintextWarning projects={h.plaintext_projects} />
      {baa?.status === 'executed' ? (
        <Anchor href={baaPdfUrl(orgRef)} download>
          Download the executed BAA (PDF)
        </Anchor>
      ) : null}
      {owner && !h.enabled && !baa ? <BaaSignFlow orgRef={orgRef} /> : null}
      {me?.operator && baa?.status === 'signed' ? <BaaCountersignForm orgRef={orgRef} /> : null}
      <ErrorAlert error={toggle.error} title={h.enabled ? 'HIPAA stays on' : 'HIPAA was not enabled'} />
      {owner && !h.enabled && baa?.status === 'executed' ? (
        <Group>
          <Button onClick={() => toggle.mutate(true)} loading={toggle.isPending}>
            Enable HIPAA
          </Button>
        </Group>
      ) : null}
      {owner && h.enabled ? (
        <Group>
          <Button
            color="red"
            variant="outline"
            onClick={() => toggle.mutate(false)}
            loading={toggle.isPending}
          >
            Turn HIPAA off
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
