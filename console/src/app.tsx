/**
 * @module app
 * Signed in or not: without a live session (GET /me answers 401) every address shows the sign-in
 * page, and after signing in the same address shows its page, so deep links survive.
 */
import { Button, Center, Stack } from '@mantine/core';
import { type ComponentType, lazy } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { useMe } from './api/auth';
import { ErrorAlert } from './components/error-alert';
import { Layout } from './components/layout';
import { Loading } from './components/loading';
import { MfaGate } from './components/mfa-gate';
import { SignInPage } from './pages/sign-in-page';

/** A page loaded on first visit (its own chunk); the layout shows a spinner meanwhile. */
function lazyPage<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}

// Each route is its own chunk, so signing in does not download every page (one 605 kB bundle
// before); Vite splits on these dynamic imports.
const AccessReviewPage = lazyPage(() => import('./pages/access/access-reviews-page'), 'AccessReviewPage');
const AccessReviewsPage = lazyPage(() => import('./pages/access/access-reviews-page'), 'AccessReviewsPage');
const BreakGlassPage = lazyPage(() => import('./pages/access/break-glass-page'), 'BreakGlassPage');
const MembersPage = lazyPage(() => import('./pages/access/members-page'), 'MembersPage');
const ServiceAccountsPage = lazyPage(
  () => import('./pages/access/service-accounts-page'),
  'ServiceAccountsPage',
);
const SettingsPage = lazyPage(() => import('./pages/access/settings-page'), 'SettingsPage');
const AlertsPage = lazyPage(() => import('./pages/alerts/alerts-page'), 'AlertsPage');
const AccountPage = lazyPage(() => import('./pages/account-page'), 'AccountPage');
const AuditPage = lazyPage(() => import('./pages/audit/audit-page'), 'AuditPage');
const AuditSettingsPage = lazyPage(() => import('./pages/audit/audit-settings-page'), 'AuditSettingsPage');
const CompliancePage = lazyPage(() => import('./pages/compliance/compliance-page'), 'CompliancePage');
const IncidentPage = lazyPage(() => import('./pages/incidents/incident-page'), 'IncidentPage');
const IncidentsPage = lazyPage(() => import('./pages/incidents/incidents-page'), 'IncidentsPage');
const HipaaPage = lazyPage(() => import('./pages/hipaa/hipaa-page'), 'HipaaPage');
const NotFoundPage = lazyPage(() => import('./pages/not-found-page'), 'NotFoundPage');
const OrgPage = lazyPage(() => import('./pages/org-page'), 'OrgPage');
const OrgsPage = lazyPage(() => import('./pages/orgs-page'), 'OrgsPage');
const ProjectPage = lazyPage(() => import('./pages/project-page'), 'ProjectPage');
const SubprocessorsPage = lazyPage(
  () => import('./pages/subprocessors/subprocessors-page'),
  'SubprocessorsPage',
);

export function App() {
  const me = useMe();
  if (me.isPending) return <Loading what="your session" />;
  if (me.error) {
    return (
      <Center mih="100vh">
        <Stack>
          <ErrorAlert error={me.error} title="Could not reach Ward" />
          <Button onClick={() => me.refetch()}>Try again</Button>
        </Stack>
      </Center>
    );
  }
  if (!me.data) return <SignInPage />;
  return (
    <MfaGate>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout me={me.data} />}>
            <Route index element={<Navigate to="/orgs" replace />} />
            <Route path="orgs" element={<OrgsPage />} />
            <Route path="orgs/:org" element={<OrgPage />} />
            <Route path="orgs/:org/audit" element={<AuditPage />} />
            <Route path="orgs/:org/audit/settings" element={<AuditSettingsPage />} />
            <Route path="projects/:id" element={<ProjectPage />} />
            <Route path="account" element={<AccountPage />} />
            <Route path="subprocessors" element={<SubprocessorsPage />} />
            <Route path="orgs/:org/members" element={<MembersPage />} />
            <Route path="orgs/:org/service-accounts" element={<ServiceAccountsPage />} />
            <Route path="orgs/:org/break-glass" element={<BreakGlassPage />} />
            <Route path="orgs/:org/access-reviews" element={<AccessReviewsPage />} />
            <Route path="orgs/:org/access-reviews/:id" element={<AccessReviewPage />} />
            <Route path="orgs/:org/settings" element={<SettingsPage />} />
            <Route path="orgs/:org/hipaa" element={<HipaaPage />} />
            <Route path="orgs/:org/compliance" element={<CompliancePage />} />
            <Route path="orgs/:org/incidents" element={<IncidentsPage />} />
            <Route path="orgs/:org/incidents/:id" element={<IncidentPage />} />
            <Route path="orgs/:org/alerts" element={<AlertsPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </MfaGate>
  );
}
