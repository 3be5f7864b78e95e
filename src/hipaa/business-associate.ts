/**
 * @module hipaa/business-associate
 * The business associate every BAA names and every certificate of destruction is issued by: the
 * organization that runs this Ward. The operator sets it at runtime (API, CLI, console), audited
 * on the operator's chain with the values it replaced; until then ward.yaml's
 * `business_associate` seeds it. Once set at runtime, that value wins over ward.yaml. Readers
 * ask for it on each use, so a change takes effect at once, without a restart.
 */
import type { AuditService } from '../audit/index.js';
import type { Db, Tx } from '../db/index.js';
import { OPERATOR_CHAIN } from '../evidence/index.js';
import type { RequestContext } from '../lib/context.js';
import { principalOf, requireOperator } from '../policy/index.js';
import type { BusinessAssociateBody, BusinessAssociateView } from './hipaa.schemas.js';
import * as store from './hipaa.store.js';

export interface BusinessAssociate {
  legal_name: string;
  address: string;
}

/** How a refusal names what only the operator may do. */
const MANAGE = 'see and set the business associate that BAAs name';

export function createBusinessAssociate(deps: {
  db: Db;
  audit: AuditService;
  /** ward.yaml's `business_associate`, used while none was set at runtime. */
  configured: BusinessAssociate | undefined;
}) {
  const { db, audit, configured } = deps;
  /** The value last read, for `lastKnown`; starts as ward.yaml's. */
  let cached: BusinessAssociate | undefined = configured;

  async function view(q: Db | Tx): Promise<BusinessAssociateView> {
    const row = await store.storedBusinessAssociate(q);
    if (row)
      return {
        legal_name: row.legal_name,
        address: row.address,
        source: 'runtime',
        updated_at: new Date(row.updated_at).toISOString(),
        updated_by: row.updated_by,
      };
    return {
      legal_name: configured?.legal_name ?? null,
      address: configured?.address ?? null,
      source: configured ? 'ward.yaml' : 'none',
      updated_at: null,
      updated_by: null,
    };
  }

  /** The business associate in force, read now: set at runtime, else ward.yaml's, else none. */
  async function current(): Promise<BusinessAssociate | undefined> {
    const row = await store.storedBusinessAssociate(db);
    cached = row ? { legal_name: row.legal_name, address: row.address } : configured;
    return cached;
  }

  /**
   * The value last read, for a caller that cannot wait (the certificate issuer's name); each call
   * reads it again in the background. In this process a change is seen at once (`set` updates it).
   */
  function lastKnown(): BusinessAssociate | undefined {
    current().catch(() => undefined);
    return cached;
  }

  /** What is in force and where it comes from (operator). */
  async function get(ctx: RequestContext): Promise<BusinessAssociateView> {
    requireOperator(ctx, MANAGE);
    return view(db);
  }

  /** Names the business associate (operator); BAAs rendered from now on carry it. */
  async function set(ctx: RequestContext, body: BusinessAssociateBody): Promise<BusinessAssociateView> {
    const saved = await audit.mutate(
      ctx,
      {
        action: 'business.associate.update',
        chain: OPERATOR_CHAIN,
        target: { type: 'system', id: 'business_associate', name: body.legal_name },
        details: { legal_name: body.legal_name, address: body.address, previous: null },
      },
      async (tx, draft) => {
        requireOperator(ctx, MANAGE);
        const before = await store.storedBusinessAssociate(tx, { lock: true });
        const previous = before ?? configured;
        draft.details.previous = previous
          ? {
              legal_name: previous.legal_name,
              address: previous.address,
              source: before ? 'runtime' : 'ward.yaml',
            }
          : null;
        await store.saveBusinessAssociate(tx, { ...body, updated_by: principalOf(ctx).id });
        return view(tx);
      },
    );
    cached = { legal_name: body.legal_name, address: body.address };
    return saved;
  }

  return { get, set, current, lastKnown };
}

export type BusinessAssociateService = ReturnType<typeof createBusinessAssociate>;
