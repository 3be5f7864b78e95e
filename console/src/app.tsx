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
    <BrowserRouter>
      <Routes>
        <Route element={<Layout me={me.data} />}>
          <Route index element={<Navigate to="/orgs" replace />} />
          <Route path="orgs" element={<OrgsPage />} />
          <Route path="orgs/:org" element={<OrgPage />} />
          <Route path="projects/:id" element={<ProjectPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
