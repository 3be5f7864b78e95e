/**
 * @module api/access
 * An org's people and access: settings, members, project access and grants, service accounts,
 * break-glass, access reviews, SSO and the alert webhook.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AccessReview,
  AccessReviewDetail,
  AlertWebhook,
  ApiToken,
  BreakGlass,
  Member,
  NewApiToken,
  OrgSettings,
  ProjectAccess,
  ServiceAccount,
  SsoBody,
  SsoConfig,
} from './access-types';
import { ApiError, api, seg } from './client';
import { keys } from './keys';
import type { Body } from './schema';
import type { Org } from './types';

const k = {
  members: (org: string) => ['orgs', org, 'members'] as const,
  access: (id: string) => ['projects', id, 'access'] as const,
  sas: (org: string) => ['orgs', org, 'service-accounts'] as const,
  saTokens: (org: string, sa: string) => ['orgs', org, 'service-accounts', sa] as const,
  breakGlass: (org: string) => ['orgs', org, 'break-glass'] as const,
  reviews: (org: string) => ['orgs', org, 'access-reviews'] as const,
  review: (org: string, id: string) => ['orgs', org, 'access-reviews', id] as const,
  sso: (org: string) => ['orgs', org, 'sso'] as const,
  hook: (org: string) => ['orgs', org, 'alert-webhook'] as const,
};

/** A mutation that refreshes `key` once it succeeds. */
function useChange<A, R>(fn: (a: A) => Promise<R>, key: readonly unknown[]) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: key }) });
}

/** A missing resource (no SSO configured, no webhook) reads as null, not as an error. */
const orNull = <T>(p: Promise<T>): Promise<T | null> =>
  p.catch((err) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  });

export const useUpdateOrgSettings = (org: string) =>
  useChange((settings: OrgSettings) => api<Org>('PATCH', `/orgs/${seg(org)}`, { settings }), keys.org(org));

export const useMembers = (org: string) =>
  useQuery({
    queryKey: k.members(org),
    queryFn: async () => (await api<{ members: Member[] }>('GET', `/orgs/${seg(org)}/members`)).members,
  });
export const useAddMember = (org: string) =>
  useChange(
    (b: Body<'/api/v1/orgs/{org}/members', 'post'>) => api<Member>('POST', `/orgs/${seg(org)}/members`, b),
    k.members(org),
  );
export const useSetRole = (org: string) =>
  useChange(
    (b: { user: string } & Body<'/api/v1/orgs/{org}/members/{user}', 'patch'>) =>
      api<Member>('PATCH', `/orgs/${seg(org)}/members/${seg(b.user)}`, { role: b.role }),
    k.members(org),
  );
export const useRemoveMember = (org: string) =>
  useChange((user: string) => api<void>('DELETE', `/orgs/${seg(org)}/members/${seg(user)}`), k.members(org));

export const useProjectAccess = (id: string) =>
  useQuery({
    queryKey: k.access(id),
    queryFn: async () =>
      (await api<{ access: ProjectAccess[] }>('GET', `/projects/${seg(id)}/access`)).access,
  });
export const useGrant = (id: string) =>
  useChange(
    (b: Body<'/api/v1/projects/{id}/grants', 'put'>) => api('PUT', `/projects/${seg(id)}/grants`, b),
    k.access(id),
  );
export const useRevokeGrant = (id: string) =>
  useChange((user: string) => api('DELETE', `/projects/${seg(id)}/grants/${seg(user)}`), k.access(id));
export const useBreakGlass = (id: string) =>
  useChange(
    (b: Body<'/api/v1/projects/{id}/break-glass', 'post'>) =>
      api<BreakGlass>('POST', `/projects/${seg(id)}/break-glass`, b),
    k.access(id),
  );

export const useServiceAccounts = (org: string) =>
  useQuery({
    queryKey: k.sas(org),
    queryFn: async () =>
      (await api<{ service_accounts: ServiceAccount[] }>('GET', `/orgs/${seg(org)}/service-accounts`))
        .service_accounts,
  });
export const useCreateServiceAccount = (org: string) =>
  useChange(
    (b: Body<'/api/v1/orgs/{org}/service-accounts', 'post'>) =>
      api<ServiceAccount>('POST', `/orgs/${seg(org)}/service-accounts`, b),
    k.sas(org),
  );
export const useDeleteServiceAccount = (org: string) =>
  useChange((sa: string) => api<void>('DELETE', `/orgs/${seg(org)}/service-accounts/${seg(sa)}`), k.sas(org));
export const useServiceTokens = (org: string, sa: string) =>
  useQuery({
    queryKey: k.saTokens(org, sa),
    queryFn: async () =>
      (await api<{ tokens: ApiToken[] }>('GET', `/orgs/${seg(org)}/service-accounts/${seg(sa)}/tokens`))
        .tokens,
  });
export const useCreateServiceToken = (org: string, sa: string) =>
  useChange(
    (b: Body<'/api/v1/orgs/{org}/service-accounts/{sa}/tokens', 'post'>) =>
      api<NewApiToken>('POST', `/orgs/${seg(org)}/service-accounts/${seg(sa)}/tokens`, b),
    k.saTokens(org, sa),
  );
export const useRevokeServiceToken = (org: string, sa: string) =>
  useChange(
    (t: string) => api<ApiToken>('DELETE', `/orgs/${seg(org)}/service-accounts/${seg(sa)}/tokens/${seg(t)}`),
    k.saTokens(org, sa),
  );

export const useBreakGlassList = (org: string) =>
  useQuery({
    queryKey: k.breakGlass(org),
    queryFn: async () =>
      (await api<{ break_glass: BreakGlass[] }>('GET', `/orgs/${seg(org)}/break-glass`)).break_glass,
  });
export const useReviewBreakGlass = (org: string) =>
  useChange(
    (b: { id: string; note: string }) =>
      api<BreakGlass>('POST', `/orgs/${seg(org)}/break-glass/${seg(b.id)}/review`, { note: b.note }),
    k.breakGlass(org),
  );
export const useEndBreakGlass = (org: string) =>
  useChange(
    (id: string) => api<BreakGlass>('POST', `/orgs/${seg(org)}/break-glass/${seg(id)}/end`),
    k.breakGlass(org),
  );

export const useReviews = (org: string) =>
  useQuery({
    queryKey: k.reviews(org),
    queryFn: async () =>
      (await api<{ reviews: AccessReview[] }>('GET', `/orgs/${seg(org)}/access-reviews`)).reviews,
  });
export const useReview = (org: string, id: string) =>
  useQuery({
    queryKey: k.review(org, id),
    queryFn: () => api<AccessReviewDetail>('GET', `/orgs/${seg(org)}/access-reviews/${seg(id)}`),
  });
export const useStartReview = (org: string) =>
  useChange(() => api<AccessReviewDetail>('POST', `/orgs/${seg(org)}/access-reviews`), k.reviews(org));
export const useDecide = (org: string, id: string) =>
  useChange(
    (b: { subject: string } & Body<'/api/v1/orgs/{org}/access-reviews/{id}/items/{subject}', 'post'>) =>
      api<AccessReviewDetail>('POST', `/orgs/${seg(org)}/access-reviews/${seg(id)}/items/${seg(b.subject)}`, {
        decision: b.decision,
        note: b.note,
      }),
    k.review(org, id),
  );
export const useCompleteReview = (org: string, id: string) =>
  useChange(
    () => api<AccessReviewDetail>('POST', `/orgs/${seg(org)}/access-reviews/${seg(id)}/complete`),
    k.review(org, id),
  );

export const useSso = (org: string) =>
  useQuery({ queryKey: k.sso(org), queryFn: () => orNull(api<SsoConfig>('GET', `/orgs/${seg(org)}/sso`)) });
export const useSetSso = (org: string) =>
  useChange((b: SsoBody) => api<SsoConfig>('PUT', `/orgs/${seg(org)}/sso`, b), k.sso(org));

export const useWebhook = (org: string) =>
  useQuery({
    queryKey: k.hook(org),
    queryFn: () => orNull(api<AlertWebhook>('GET', `/orgs/${seg(org)}/alert-webhook`)),
  });
export const useSetWebhook = (org: string) =>
  useChange(
    (url: string) => api<AlertWebhook>('PUT', `/orgs/${seg(org)}/alert-webhook`, { url }),
    k.hook(org),
  );
