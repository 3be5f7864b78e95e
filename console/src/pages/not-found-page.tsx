/**
 * @module pages/not-found-page
 * A console path that matches no page.
 */
import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { usePageTitle } from '../lib/use-page-title';

export function NotFoundPage() {
  usePageTitle('Not found');
  return (
    <Stack>
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Text>
        Nothing lives at this address.{' '}
        <Anchor component={Link} to="/orgs">
          Go to your organizations
        </Anchor>
        .
      </Text>
    </Stack>
  );
}
