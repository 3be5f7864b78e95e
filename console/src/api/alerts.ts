/**
 * @module api/alerts
 * What the alert rules raised over an org's audit log (the notifications list and the header's
 * bell), what people do with an alert, and the rules' settings with the org's working hours.
 */
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import { keys } from './keys';
import type { Body, Json } from './schema';

export type AlertList = Json<'/api/v1/orgs/{org}/alerts', 'get'>;
export type Alert = AlertList['alerts'][number];
export type AlertStatus = Alert['status'];
export type AlertRule = Json<'/api/v1/orgs/{org}/alert-rules', 'get'>[number];
export type RuleBody = Body<'/api/v1/orgs/{org}/alert-rules/{rule}', 'put'>;
export type AlertSettings = Json<'/api/v1/orgs/{org}/alert-settings', 'get'>;
export type AlertSettingsBody = Body<'/api/v1/orgs/{org}/alert-settings', 'put'>;

/** Who may read alerts (alerts.read): owners, admins and auditors. */
export const readsAlerts = (role: string | null | undefined) =>
  role === 'owner' || role === 'admin' || role === 'auditor';
/** Who may act on them (alerts.manage). */
export const managesAlerts = (role: string | null | undefined) => role === 'owner' || role === 'admin';

/** The org's alerts (newest first) and how many are open; polled so the bell stays current. */
export function useAlerts(org: string, status: AlertStatus | 'all' = 'all', enabled = true) {
  return useQuery({
    queryKey: [...keys.alerts(org), status],
    queryFn:
      enabled && org
        ? () =>
            api<AlertList>('GET', `/orgs/${seg(org)}/alerts${status === 'all' ? '' : `?status=${status}`}`)
        : skipToken,
    refetchInterval: 15_000,
  });
}

export function useAlertAction(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (a: { id: string; action: 'acknowledge' | 'dismiss'; reason?: string }) =>
      api<Alert>(
        'POST',
        `/orgs/${seg(org)}/alerts/${seg(a.id)}/${a.action}`,
        a.action === 'dismiss' ? { reason: a.reason } : {},
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.alerts(org) }),
  });
}

/** Turns an alert into a new incident; resolves with the incident's id. */
export function useEscalateAlert(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<{ alert: Alert; incident: { id: string; title: string } }>(
        'POST',
        `/orgs/${seg(org)}/alerts/${seg(id)}/escalate`,
        {},
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.alerts(org) }),
  });
}

export function useAlertRules(org: string) {
  return useQuery({
    queryKey: keys.alertRules(org),
    queryFn: () => api<AlertRule[]>('GET', `/orgs/${seg(org)}/alert-rules`),
  });
}

export function useSetRule(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (r: { rule: string; body: RuleBody }) =>
      api<AlertRule>('PUT', `/orgs/${seg(org)}/alert-rules/${seg(r.rule)}`, r.body),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.alertRules(org) }),
  });
}

export function useAlertSettings(org: string) {
  return useQuery({
    queryKey: keys.alertSettings(org),
    queryFn: () => api<AlertSettings>('GET', `/orgs/${seg(org)}/alert-settings`),
  });
}

export function useSetAlertSettings(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AlertSettingsBody) =>
      api<AlertSettings>('PUT', `/orgs/${seg(org)}/alert-settings`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.alertSettings(org) }),
  });
}
