/**
 * @module components/error-alert
 * Shows a failure with the API's own message (role="alert", so it is announced). Nothing is
 * swallowed: an unexpected error still shows its text.
 */
import { Alert } from '@mantine/core';
import { ApiError } from '../api/client';

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const heading =
    title ?? (error instanceof ApiError && error.status === 0 ? 'Ward did not answer' : 'That did not work');
  return (
    <Alert color="red" variant="light" title={heading}>
      {messageOf(error)}
    </Alert>
  );
}
