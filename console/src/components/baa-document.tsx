/**
 * @module components/baa-document
 * The BAA's text as Ward rendered (or as it was signed), scrollable, with the SHA-256 that a
 * signature binds.
 */
import { Code, Paper, ScrollArea, Stack, Text } from '@mantine/core';

export function BaaDocument({ text, sha256, version }: { text: string; sha256: string; version: string }) {
  return (
    <Stack gap="xs">
      <Paper withBorder p="sm">
        <ScrollArea h={320} type="auto">
          <Text
            component="pre"
            size="xs"
            style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', margin: 0 }}
            aria-label="Business Associate Agreement"
            role="document"
          >
            {text}
          </Text>
        </ScrollArea>
      </Paper>
      <Text size="sm">
        Template {version} · SHA-256 <Code data-testid="baa-sha256">{sha256}</Code>
      </Text>
    </Stack>
  );
}
