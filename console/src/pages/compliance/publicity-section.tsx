/**
 * @module pages/compliance/publicity-section
 * The org's opt-in publicity: two switches (owners only) for the HIPAA badge and the public trust
 * page, both off until turned on, and, for whatever is on, its public address and a preview of
 * the badge. Others who may read the compliance center see the state without the switches.
 */
import { Anchor, Code, Group, Image, Stack, Switch, Text, Title } from '@mantine/core';
import { useOrg } from '../../api/orgs';
import { type Publicity, usePublicity, useSetPublicity } from '../../api/publicity';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';

const absolute = (path: string) => `${window.location.origin}${path}`;

function PublicAddress({ label, path }: { label: string; path: string }) {
  return (
    <Text size="sm">
      {label}:{' '}
      <Anchor href={path} target="_blank" rel="noreferrer">
        {absolute(path)}
      </Anchor>
    </Text>
  );
}

function Published({ p }: { p: Publicity }) {
  if (!p.badge && !p.trust_page)
    return (
      <Text size="sm" c="dimmed">
        Nothing is published: both answer 404 to anyone who asks.
      </Text>
    );
  return (
    <Stack gap="xs">
      {p.badge ? (
        <>
          <PublicAddress label="Badge" path={p.badge_path} />
          <Image
            src={`${p.badge_path}?v=${encodeURIComponent(p.updated_at ?? '')}`}
            alt="Preview of the HIPAA badge"
            w="auto"
            h={20}
            fit="contain"
            data-testid="badge-preview"
          />
          <Text size="sm">
            Embed it: <Code>{`![HIPAA](${absolute(p.badge_path)})`}</Code>
          </Text>
        </>
      ) : null}
      {p.trust_page ? (
        <>
          <PublicAddress label="Trust page" path={p.trust_page_path} />
          <PublicAddress label="Trust page (JSON)" path={p.trust_json_path} />
        </>
      ) : null}
    </Stack>
  );
}

export function PublicitySection({ orgRef }: { orgRef: string }) {
  const publicity = usePublicity(orgRef);
  const owner = useOrg(orgRef).data?.role === 'owner';
  const save = useSetPublicity(orgRef);
  if (publicity.isPending) return <Loading what="the publicity settings" />;
  if (publicity.error)
    return <ErrorAlert error={publicity.error} title="Could not read the publicity settings" />;
  const p = publicity.data;
  return (
    <Stack gap="sm" component="section" aria-labelledby="publicity-title">
      <Title order={2} size="h4" id="publicity-title">
        Public badge and trust page
      </Title>
      <Text size="sm" c="dimmed">
        Served without sign-in once turned on: both scores and the day of the latest check, and on the trust
        page every safeguard's controls with their states and the subprocessors. Never project names, people
        or data. Turning either on or off is recorded in the audit log.
      </Text>
      <Group>
        <Switch
          label="Badge (SVG)"
          checked={p.badge}
          disabled={!owner || save.isPending}
          onChange={(e) => save.mutate({ badge: e.currentTarget.checked })}
        />
        <Switch
          label="Trust page"
          checked={p.trust_page}
          disabled={!owner || save.isPending}
          onChange={(e) => save.mutate({ trust_page: e.currentTarget.checked })}
        />
      </Group>
      {owner ? null : (
        <Text size="sm" c="dimmed">
          Only an owner may turn them on or off.
        </Text>
      )}
      <ErrorAlert error={save.error} title="The change was not saved" />
      <Published p={p} />
      {p.updated_at ? (
        <Text size="xs" c="dimmed">
          Last changed {new Date(p.updated_at).toLocaleString()}
          {p.updated_by ? ` by ${p.updated_by}` : ''}.
        </Text>
      ) : null}
    </Stack>
  );
}
