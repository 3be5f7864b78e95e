/**
 * @module pages/audit/statement-text-panel
 * "Raw text (break-glass)" in a db.statement event's drawer: the audit log keeps a statement
 * normalized, its raw text only sealed. An owner gives a reason and Ward opens the text, recording
 * the read; anyone else gets Ward's refusal. The text lives only in this component's state: the
 * drawer remounts it per event and unmounts it on close, which drops it.
 */
import { Alert, Button, Code, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useStatementText } from '../../api/statement-text';
import { ErrorAlert } from '../../components/error-alert';

export function StatementTextPanel({ org, eventId }: { org: string; eventId: string }) {
  const read = useStatementText(org, eventId);
  const [reason, setReason] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    read.mutate(reason);
  };

  return (
    <section aria-labelledby="statement-text-title">
      <Stack gap="sm">
        <Title order={3} size="h6" id="statement-text-title">
          Raw text (break-glass)
        </Title>
        <Alert color="yellow" variant="light" role="note" title="The raw text may contain PHI">
          It holds the literals (names, dates, identifiers) exactly as the client sent them. Ward records each
          read, with your reason, in this audit log.
        </Alert>
        {read.data ? (
          <Stack gap="xs">
            <Code block aria-label="Raw statement text">
              {read.data.text}
            </Code>
            <Group justify="space-between">
              <Text size="sm" role="status">
                {read.data.bytes} bytes, exactly as the client sent them. This read was recorded.
              </Text>
              <Button size="xs" variant="default" onClick={() => read.reset()}>
                Hide raw text
              </Button>
            </Group>
          </Stack>
        ) : (
          <form onSubmit={submit} aria-label="Open the raw text">
            <Stack gap="sm">
              <Textarea
                label="Reason"
                description="Why you need the raw text (10 to 500 characters); it is recorded with the read"
                autosize
                minRows={2}
                maxRows={6}
                maxLength={500}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
              />
              <ErrorAlert error={read.error} title="The raw text was not opened" />
              <div>
                <Button type="submit" color="red" variant="light" loading={read.isPending}>
                  Open raw text
                </Button>
              </div>
            </Stack>
          </form>
        )}
      </Stack>
    </section>
  );
}
