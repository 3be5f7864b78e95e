/**
 * @module hipaa/baa-standing
 * Whether an org's BAA holds today: the one in force (executed), one waiting for the operator's
 * countersignature, and whether the one in force still reads as Ward renders it for the org now
 * (same template version, legal name, address and business associate, hence the same SHA-256).
 * It checks no caller's rights: `status` does before asking, and the compliance checks judge
 * every org.
 */
import type { Baa, Db, Org } from '../db/index.js';
import { isWardError } from '../lib/errors.js';
import type { BaaService } from './baa.service.js';
import { CURRENT_BAA_VERSION } from './baa-template.js';
import * as store from './hipaa.store.js';

/** A BAA without its text, its signers' addresses or e-mails. */
export interface BaaRecord {
  id: string;
  template_version: string;
  document_sha256: string;
  signer_name: string;
  signed_at: Date;
  countersigned_at: Date | null;
}

export interface BaaStanding {
  /** The BAA in force, if any. */
  executed: BaaRecord | null;
  /** A newer BAA signed by an owner and waiting for the operator's countersignature. */
  pending: BaaRecord | null;
  /** Whether the BAA in force reads as Ward renders it today; null without one. */
  current: boolean | null;
  /** The template version Ward renders today. */
  current_version: string;
  /** Why Ward cannot render the org's BAA today, if it cannot (the one in force is then not current). */
  render_problem: string | null;
}

const record = (b: Baa): BaaRecord => ({
  id: b.id,
  template_version: b.template_version,
  document_sha256: b.document_sha256,
  signer_name: b.signer_name,
  signed_at: b.signed_at,
  countersigned_at: b.countersigned_at,
});

export function createBaaStanding(deps: { db: Db; baa: Pick<BaaService, 'render'> }) {
  const { db, baa } = deps;
  return async function baaStanding(org: Org): Promise<BaaStanding> {
    const executed = await store.baaWithStatus(db, org.id, 'executed');
    const pending = await store.baaWithStatus(db, org.id, 'signed');
    let current: boolean | null = null;
    let render_problem: string | null = null;
    if (executed) {
      current = await baa.render(org).then(
        (r) => r.sha256 === executed.document_sha256,
        (err: unknown) => {
          if (!isWardError(err)) throw err;
          render_problem = err.message;
          return false;
        },
      );
    }
    return {
      executed: executed ? record(executed) : null,
      pending: pending ? record(pending) : null,
      current,
      current_version: CURRENT_BAA_VERSION,
      render_problem,
    };
  };
}
