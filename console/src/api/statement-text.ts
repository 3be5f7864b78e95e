/**
 * @module api/statement-text
 * The break-glass read of a gateway statement's raw text (owners only, with a reason Ward records
 * as `db.statement.text.read`). The text may hold PHI, so it is never cached: the mutation is
 * dropped from TanStack's cache as soon as its panel unmounts, and nothing goes to web storage
 * or the address.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, seg } from './client';
import type { Json } from './schema';

/** A statement's raw text with where it came from; the text may hold PHI. */
export type StatementText = Json<'/api/v1/orgs/{org}/audit-events/{id}/statement-text', 'post'>;

/** POST /orgs/{org}/audit-events/{event_id}/statement-text: Ward checks the role and the reason. */
export const readStatementText = (org: string, eventId: string, reason: string): Promise<StatementText> =>
  api<StatementText>('POST', `/orgs/${seg(org)}/audit-events/${seg(eventId)}/statement-text`, { reason });

/** Opens `eventId`'s raw text; the read (or its refusal) is a new event, so the list refreshes. */
export function useStatementText(org: string, eventId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) => readStatementText(org, eventId, reason),
    gcTime: 0,
    onSettled: () => qc.invalidateQueries({ queryKey: ['orgs', org, 'audit-events'] }),
  });
}
