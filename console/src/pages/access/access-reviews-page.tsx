/**
 * @module pages/access/access-reviews-page
 * Access reviews: the list (start one, as an owner) and one review, where the reviewer keeps or
 * revokes each person and service account and then completes it; a completed review is sealed
 * evidence with its SHA-256.
 */
import { Anchor, Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { Link, useNavigate, useParams } from 'react-router';
import { useCompleteReview, useDecide, useReview, useReviews, useStartReview } from '../../api/access';
import type { ReviewItem } from '../../api/access-types';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { OrgHeader, useOrgRef } from './org-header';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

export function AccessReviewsPage() {
  const org = useOrgRef();
  const reviews = useReviews(org);
  const start = useStartReview(org);
  const navigate = useNavigate();
  return (
    <Stack>
      <OrgHeader title="Access reviews" />
      <ErrorAlert error={reviews.error ?? start.error} title="Access reviews" />
      <Button
        w="fit-content"
        loading={start.isPending}
        onClick={() =>
          start.mutate(undefined, {
            onSuccess: (r) => navigate(`/orgs/${encodeURIComponent(org)}/access-reviews/${r.id}`),
          })
        }
      >
        Start an access review
      </Button>
      {reviews.isPending ? <Loading what="access reviews" /> : null}
      {reviews.data?.map((r) => (
        <Group key={r.id} gap="xs">
          <Anchor component={Link} to={`/orgs/${encodeURIComponent(org)}/access-reviews/${r.id}`}>
            Review of {new Date(r.started_at).toLocaleString()}
          </Anchor>
          {r.completed_at ? <Badge color="green">complete</Badge> : <Badge color="orange">in progress</Badge>}
        </Group>
      ))}
    </Stack>
  );
}

function Decision({ org, id, item, open }: { org: string; id: string; item: ReviewItem; open: boolean }) {
  const decide = useDecide(org, id);
  if (item.decision) return <Badge color={item.decision === 'keep' ? 'green' : 'red'}>{item.decision}</Badge>;
  if (!open) return null;
  return (
    <Stack gap={2}>
      <ErrorAlert error={decide.error} title="Refused" />
      <Group gap={4}>
        <Button
          size="compact-xs"
          onClick={() => decide.mutate({ subject: item.subject_id, decision: 'keep' })}
        >
          Keep {item.email}
        </Button>
        <Button
          size="compact-xs"
          color="red"
          variant="outline"
          onClick={() => decide.mutate({ subject: item.subject_id, decision: 'revoke' })}
        >
          Revoke {item.email}
        </Button>
      </Group>
    </Stack>
  );
}

export function AccessReviewPage() {
  const org = useOrgRef();
  const id = useParams().id ?? '';
  const review = useReview(org, id);
  const complete = useCompleteReview(org, id);
  if (review.isPending) return <Loading what="the review" />;
  if (review.error) return <ErrorAlert error={review.error} />;
  const r = review.data;
  return (
    <Stack>
      <OrgHeader title="Access review" />
      <Text size="sm">Started {when(r.started_at)}.</Text>
      <Table aria-label="Access under review" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Who</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Projects</Table.Th>
            <Table.Th>Last sign-in</Table.Th>
            <Table.Th>Last database use</Table.Th>
            <Table.Th>Decision</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {r.items?.map((i) => (
            <Table.Tr key={i.subject_id}>
              <Table.Td>
                {i.email}
                {i.kind === 'service' ? ' (service account)' : ''}
              </Table.Td>
              <Table.Td>{i.org_role}</Table.Td>
              <Table.Td>
                {i.project_grants
                  .map((g) => `${g.project}: ${g.role} (${g.source.replace('_', ' ')})`)
                  .join(', ') || 'none'}
              </Table.Td>
              <Table.Td>{when(i.last_sign_in_at)}</Table.Td>
              <Table.Td>{when(i.last_db_use_at)}</Table.Td>
              <Table.Td>
                <Decision org={org} id={id} item={i} open={!r.completed_at} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ErrorAlert error={complete.error} title="The review is not complete" />
      {r.completed_at ? (
        <Text size="sm" role="status">
          Completed {when(r.completed_at)}. Evidence SHA-256: <Code>{r.evidence_sha256}</Code>
        </Text>
      ) : (
        <Button w="fit-content" onClick={() => complete.mutate()} loading={complete.isPending}>
          Complete the review
        </Button>
      )}
    </Stack>
  );
}
