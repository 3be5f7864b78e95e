/**
 * @module app
 * Signed in or not: without a live session (GET /me answers 401) every address shows the sign-in
 * page, and after signing in the same address shows its page, so deep links survive.
 */
import { Button, Center, Stack } from '@mantine/core';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { useMe } from './api/auth';
import { ErrorAlert } from './components/error-alert';
import { Layout } from './components/layout';
import { Loading } from './components/loading';
import { MfaGate } from './components/mfa-gate';
import { AccessReviewPage, AccessReviewsPage } from './pages/access/access-reviews-page';
import { BreakGlassPage } from './pages/access/break-glass-page';
import { MembersPage } from './pages/access/members-page';
import { ServiceAccountsPage } from './pages/access/service-accounts-page';
import { SettingsPage } from './pages/access/settings-page';
import { AccountPage } from './pages/account-page';
import { AuditPage } from './pages/audit/audit-page';
import { AuditSettingsPage } from './pages/audit/audit-settings-page';
import { HipaaPage } from './pages/hipaa/hipaa-page';
import { NotFoundPage } from './pages/not-found-page';
import { OrgPage } from './pages/org-page';
import { OrgsPage } from './pages/orgs-page';
import { ProjectPage } from './pages/project-page';
import { SignInPage } from './pages/sign-in-page';

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
            <Route path="orgs/:org/members" element={<MembersPage />} />
            <Route path="orgs/:org/service-accounts" element={<ServiceAccountsPage />} />
            <Route path="orgs/:org/break-glass" element={<BreakGlassPage />} />
            <Route path="orgs/:org/access-reviews" element={<AccessReviewsPage />} />
            <Route path="orgs/:org/access-reviews/:id" element={<AccessReviewPage />} />
            <Route path="orgs/:org/settings" element={<SettingsPage />} />
            <Route path="orgs/:org/hipaa" element={<HipaaPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </MfaGate>
  );
}
