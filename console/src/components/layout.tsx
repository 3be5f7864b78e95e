/**
 * @module components/layout
 * The frame around every signed-in page: a header with the org switcher, links, the open alerts
 * of the org in view (the bell) and sign-out.
 */
import { Anchor, AppShell, Button, Container, Group, Text } from '@mantine/core';
import { Suspense } from 'react';
import { Link, Outlet } from 'react-router';
import { useSignOut } from '../api/auth';
import type { User } from '../api/types';
import { AlertBell } from './alert-bell';
import { ErrorAlert } from './error-alert';
import { IdleWatch } from './idle-watch';
import { Loading } from './loading';
import { OrgSwitcher } from './org-switcher';

export function Layout({ me }: { me: User }) {
  const signOut = useSignOut();
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Container size="lg" h="100%">
          <Group h="100%" justify="space-between" wrap="nowrap">
            <Group gap="lg" wrap="nowrap">
              <Anchor component={Link} to="/orgs" fw={700} size="lg" underline="never" c="inherit">
                Ward
              </Anchor>
              <nav aria-label="Main">
                <Anchor component={Link} to="/orgs" size="sm">
                  Organizations
                </Anchor>{' '}
                <Anchor component={Link} to="/subprocessors" size="sm" ml="sm">
                  Subprocessors
                </Anchor>{' '}
                <Anchor component={Link} to="/account" size="sm" ml="sm">
                  Account
                </Anchor>
              </nav>
              <OrgSwitcher />
            </Group>
            <Group gap="sm" wrap="nowrap">
              <AlertBell />
              <Text size="sm" c="dimmed" visibleFrom="sm">
                {me.email}
                {me.operator ? ' (operator)' : ''}
              </Text>
              <Button
                variant="default"
                size="xs"
                loading={signOut.isPending}
                onClick={() => signOut.mutate()}
              >
                Sign out
              </Button>
            </Group>
          </Group>
        </Container>
      </AppShell.Header>
      <AppShell.Main>
        <Container size="lg">
          {signOut.error ? <ErrorAlert error={signOut.error} title="Signing out failed" /> : null}
          <Suspense fallback={<Loading what="the page" />}>
            <Outlet />
          </Suspense>
          <IdleWatch />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
