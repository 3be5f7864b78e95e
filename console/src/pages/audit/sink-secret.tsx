/**
 * @module pages/audit/sink-secret
 * A new webhook's HMAC key, shown once: Ward keeps it only to sign batches and never shows it
 * again, so the receiver must store it now to check each batch's signature.
 */
import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';

export function SinkSecret({
  name,
  secret,
  onDismiss,
}: {
  name: string;
  secret: string;
  onDismiss: () => void;
}) {
  return (
    <Alert color="yellow" variant="light" title={`Signing key for ${name}`} role="status">
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          Copy this key now: Ward will not show it again. The receiver uses it to check each batch's HMAC
          signature.
        </Text>
        <Code block aria-label="Webhook signing key">
          {secret}
        </Code>
        <Group gap="xs">
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button size="xs" variant="default" onClick={copy}>
                {copied ? 'Copied' : 'Copy key'}
              </Button>
            )}
          </CopyButton>
          <Button size="xs" variant="subtle" onClick={onDismiss}>
            I have stored it
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
