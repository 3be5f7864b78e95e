/**
 * @module incidents/packets-service
 * Issuing and reading evidence packets: the incident as it stands, with an inclusion proof of
 * each cited audit event, signed and kept (`incident_packets`, permanent), `incident.packet`
 * recorded in the same transaction; then its JSON and PDF by id, both of the one document.
 */
import type { RequestContext } from '../lib/context.js';
import { notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { VERSION } from '../lib/version.js';
import type { IncidentCore, IncidentDeps } from './incidents.core.js';
import * as store from './incidents.store.js';
import type { PacketSummary, SignedPacketView } from './incidents.views.js';
import { packetDocument, signPacket } from './packet.js';
import { packetPdf } from './packet-pdf.js';
import { incidentView } from './record.js';

export function createPacketService(deps: IncidentDeps, core: IncidentCore) {
  const { db, signer } = deps;

  async function issue(ctx: RequestContext, orgRef: string, id: string): Promise<PacketSummary> {
    const pid = newId('pkt');
    const now = new Date();
    // Built inside the step, so a refusal is audited like any other and the packet shows the
    // incident exactly as it stood under the lock.
    const signed = await core.step(
      ctx,
      orgRef,
      id,
      {
        action: 'incident.packet',
        details: { incident_id: id, packet_id: pid, sha256: '' },
        summary: `evidence packet ${pid} issued`,
      },
      async (tx, incident, org, details) => {
        const view = incidentView(await core.rowsOf(tx, incident), core.today());
        const proofs = [];
        for (const e of view.audit_events)
          proofs.push({ id: e.id, proof: await deps.auditReader.prove(org.id, e.id) });
        const legal = org.settings.legal_name;
        const s = signPacket(
          packetDocument({
            id: pid,
            issuedAt: now,
            wardVersion: VERSION,
            keyId: signer.keyId,
            org: { id: org.id, name: org.name, legal_name: typeof legal === 'string' ? legal : null },
            incident: view,
            proofs,
          }),
          signer,
        );
        details.sha256 = s.sha256;
        await store.insertPacket(tx, { id: pid, incident_id: id, ...s, issued_at: now });
        return s;
      },
    );
    return {
      id: pid,
      incident_id: id,
      sha256: signed.sha256,
      key_id: signed.key_id,
      issued_at: now.toISOString(),
    };
  }

  async function find(ctx: RequestContext, orgRef: string, id: string, pid: string) {
    const { view } = await core.load(ctx, orgRef, id);
    const p = await store.findPacket(db, view.id, pid);
    if (!p) throw notFound(`incident '${id}' has no evidence packet '${pid}'`);
    return p;
  }

  async function file(
    ctx: RequestContext,
    orgRef: string,
    id: string,
    pid: string,
  ): Promise<SignedPacketView> {
    const p = await find(ctx, orgRef, id, pid);
    return {
      id: p.id,
      document: p.document,
      signature: p.signature.toString('base64'),
      public_key: signer.publicKeyPem,
      key_id: p.key_id,
    };
  }

  async function pdf(ctx: RequestContext, orgRef: string, id: string, pid: string) {
    const p = await find(ctx, orgRef, id, pid);
    return { fileName: `incident-${id}-${pid}.pdf`, pdf: await packetPdf(p, signer.publicKeyPem) };
  }

  return { issue, file, pdf };
}

export type PacketService = ReturnType<typeof createPacketService>;
