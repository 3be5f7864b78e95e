/**
 * @module api/compliance-report
 * Signed compliance reports: the org's issued reports, issuing one, and downloading one as its
 * PDF or its signed JSON (the same report: one id, one signed document).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import { download } from './files';
import type { Json } from './schema';

export type ReportSummary = Json<'/api/v1/orgs/{org}/compliance/reports', 'post'>;

const reportsKey = (org: string) => ['orgs', org, 'compliance', 'reports'] as const;
const reportsPath = (org: string) => `/orgs/${seg(org)}/compliance/reports`;

export function useComplianceReports(org: string) {
  return useQuery({
    queryKey: reportsKey(org),
    queryFn: async () =>
      (await api<Json<'/api/v1/orgs/{org}/compliance/reports', 'get'>>('GET', reportsPath(org))).reports,
  });
}

/** Checks every control now and issues a signed report of it. */
export function useIssueReport(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<ReportSummary>('POST', reportsPath(org)),
    onSuccess: () => qc.invalidateQueries({ queryKey: reportsKey(org) }),
  });
}

/** Saves report `id` as a PDF, or as the signed JSON (document, signature, Ward's public key). */
export const downloadReport = (org: string, id: string, as: 'pdf' | 'json') =>
  download(`${reportsPath(org)}/${seg(id)}.${as}`, `hipaa-report-${org}-${id}.${as}`);
