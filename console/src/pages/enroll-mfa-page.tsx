/**
 * @module pages/enroll-mfa-page
 * What a person sees when an organization they belong to requires two-step verification and
 * their session has not passed it: enrolling, and nothing else (Ward refuses every other call).
 */
import { Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useSignOut } from '../api/auth';
import { TotpEnrollment } from '../components/totp-enrollment';
import { usePageTitle } from '../lib/use-page-title';

export function EnrollMfaPage() {
  usePageTitle('Two-step verification');
  const signOut = useSignOut();
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" w="100%" maw={520}>
        <Stack>
          <Title order={1} size="h2">
            Set up two-step verification
          </Title>
          <Text size="sm">
            An organization you belong to requires two-step verification. Until you set it up you can do
            nothing else in Ward.
          </Text>
          <TotpEnrollment />
          <Button variant="subtle" onClick={() => signOut.mutate()}>
            Sign out
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
