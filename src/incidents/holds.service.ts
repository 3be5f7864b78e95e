/**
 * @module incidents/holds-service
 * Law-enforcement holds on an incident's notices (164.412): a written statement, its letter sealed
 * under the org's key and read back whole; an oral one with the official's identity. A hold
 * without the documentation the rule asks for is refused (holds.ts says what is missing). Each
 * hold is one audited step on the incident's timeline.
 */
import { createHash } from 'node:crypto';
import type { RequestContext } from '../lib/context.js';
import { invalid, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { principalOf } from '../policy/index.js';
import { type HoldFacts, missingForHold } from './holds.js';
import type { IncidentCore, IncidentDeps } from './incidents.core.js';
import type { HoldBody } from './incidents.schemas.js';
import * as store from './incidents.store.js';

const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
const holdAad = (orgId: string, holdId: string) => `ward-incident-hold:${orgId}:${holdId}`;

export function createHoldService(deps: IncidentDeps, core: IncidentCore) {
  const { db, keys } = deps;
  const view = async (ctx: RequestContext, orgRef: string, id: string) =>
    (await core.load(ctx, orgRef, id)).view;

  async function addHold(ctx: RequestContext, orgRef: string, id: string, body: HoldBody) {
    const hid = newId('hld');
    const content = body.document ? Buffer.from(body.document.content_base64, 'base64') : null;
    const sha256 = content ? createHash('sha256').update(content).digest('hex') : null;
    const facts: Omit<HoldFacts, 'id'> = {
      kind: body.kind,
      stated_on: body.stated_on,
      until: body.until ?? null,
      official_name: body.official_name ?? null,
      agency: body.agency ?? null,
      statement: body.statement ?? null,
      has_document: content !== null && content.length > 0,
    };
    await core.step(
      ctx,
      orgRef,
      id,
      {
        action: 'incident.hold.add',
        details: {
          incident_id: id,
          hold_id: hid,
          kind: body.kind,
          stated_on: body.stated_on,
          until: body.until ?? null,
          agency: body.agency ?? '',
          sha256,
        },
        summary: `${body.kind} law-enforcement statement of ${body.stated_on} by ${body.agency ?? '?'} recorded`,
      },
      async (tx, _i, org) => {
        const missing = missingForHold(facts);
        if (missing.length > 0)
          throw invalid(
            `a ${body.kind} law-enforcement statement holds notices only when documented (164.412); missing: ${missing.join('; ')}`,
          );
        if (content && content.length > MAX_DOCUMENT_BYTES) throw invalid('a document may be at most 10 MB');
        const sealed =
          content && body.document
            ? await keys.encrypt({ type: 'org', orgId: org.id }, content, holdAad(org.id, hid), tx)
            : null;
        await store.insertHold(tx, {
          id: hid,
          incident_id: id,
          kind: body.kind,
          stated_on: body.stated_on,
          until: body.kind === 'written' ? (body.until ?? null) : null,
          official_name: body.official_name ?? null,
          agency: body.agency as string,
          statement: body.statement as string,
          file_name: body.document?.file_name ?? null,
          content_type: body.document?.content_type ?? null,
          size_bytes: content?.length ?? null,
          sha256,
          document: sealed,
          recorded_by: principalOf(ctx).id,
        });
      },
    );
    return view(ctx, orgRef, id);
  }

  async function holdDocument(ctx: RequestContext, orgRef: string, id: string, holdId: string) {
    const { org } = await core.load(ctx, orgRef, id);
    const row = await store.holdDocument(db, id, holdId);
    if (!row?.document) throw notFound(`incident '${id}' has no uploaded statement '${holdId}'`);
    return {
      file_name: row.file_name ?? `${holdId}.bin`,
      content_type: row.content_type ?? 'application/octet-stream',
      sha256: row.sha256 ?? '',
      content: await keys.decrypt(row.document, holdAad(org.id, holdId)),
    };
  }

  return { addHold, holdDocument };
}
