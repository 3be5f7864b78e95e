/**
 * @module projects/hipaa-deletion
 * Deleting a HIPAA project. The owner confirms that the project's audit log was exported; the
 * project is then `pending_deletion`: its cluster is stopped but kept, and an owner or admin can
 * undelete it until the grace period ends (7 days unless configured). Then a sweep, which every
 * Ward process runs and which claims each project atomically, destroys the cluster, shreds the
 * project's keys (so every backup encrypted under them is unreadable too) and issues a certificate
 * of destruction signed with Ward's Ed25519 key, all recorded in the org's audit chain. The
 * project's audit events stay for their retention.
 */
import type { Logger } from 'pino';
import type { AuditService } from '../audit/index.js';
import { type CertificateService, issueCertificate } from '../certificates/index.js';
import type { DataPlaneProvider } from '../dataplane/index.js';
import type { Db, Project } from '../db/index.js';
import type { KeyService } from '../keys/index.js';
import { type RequestContext, SYSTEM } from '../lib/context.js';
import { conflict, invalid } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Signer } from '../lib/signing.js';
import { VERSION } from '../lib/version.js';
import type { OrgAccess, OrgService } from '../orgs/index.js';
import { authorize } from '../policy/index.js';
import * as store from './deletion.store.js';
import { lockProject, setStatus } from './projects.store.js';

export interface HipaaDeletionSettings {
  graceMs: number;
  /** Who issues certificates: the business associate's legal name. */
  issuer: string;
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

export function createHipaaDeletion(deps: {
  db: Db;
  audit: AuditService;
  dataplane: DataPlaneProvider;
  keys: KeyService;
  orgs: Pick<OrgService, 'byId'>;
  certificates: Pick<CertificateService, 'record'>;
  signer: Signer;
  log: Logger;
  settings: HipaaDeletionSettings;
}) {
  const { db, audit, dataplane, keys, orgs, certificates, signer, log, settings } = deps;
  const inflight = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let stopped = false;
  const target = (p: Project) => ({ type: 'project' as const, id: p.id, name: p.name });

  async function schedule(
    ctx: RequestContext,
    p: Project,
    org: OrgAccess,
    exported: boolean,
  ): Promise<Project> {
    const purgeAfter = new Date(Date.now() + settings.graceMs);
    const scheduled = await audit.mutate(
      ctx,
      {
        action: 'project.delete',
        chain: p.org_id,
        target: target(p),
        details: { name: p.name, audit_log_exported: exported, purge_after: purgeAfter.toISOString() },
      },
      async (tx) => {
        authorize(ctx, org, 'hipaa.manage');
        const current = (await lockProject(tx, p.id)) ?? p;
        if (current.status === 'provisioning' || current.status === 'restoring')
          throw conflict(
            `project '${current.name}' is still being created; delete it once it is running or failed`,
          );
        if (current.status === 'pending_deletion' || current.status === 'deleting')
          throw conflict(
            `project '${current.name}' is already deleted and will be destroyed after ${iso(current.purge_after)}; ward project undelete keeps it`,
          );
        if (!exported)
          throw invalid(
            `'${current.name}' is a HIPAA project: confirm that its audit log was exported before deleting it ("audit_log_exported": true; ward project delete --audit-log-exported). Its cluster and keys are destroyed after a grace period and the log is what remains`,
          );
        return store.schedule(tx, p.id, ctx.actor.type === 'user' ? ctx.actor.id : null, purgeAfter);
      },
    );
    // Nobody works on a deleted project: its cluster stops now and stays on disk until the purge.
    await dataplane
      .stop(p.id)
      .catch((err) => log.error({ project: p.id, err }, 'could not stop the cluster'));
    return scheduled;
  }

  /** `refuse`: a further check inside the audited change (the org's root key is unavailable). */
  async function undelete(
    ctx: RequestContext,
    p: Project,
    org: OrgAccess,
    refuse?: () => void,
  ): Promise<Project> {
    const kept = await audit.mutate(
      ctx,
      { action: 'project.undelete', chain: p.org_id, target: target(p), details: { name: p.name } },
      async (tx) => {
        authorize(ctx, org, 'project.undelete');
        refuse?.();
        const current = (await lockProject(tx, p.id)) ?? p;
        if (current.status !== 'pending_deletion')
          throw conflict(
            current.status === 'deleting'
              ? `the grace period of '${current.name}' ended at ${iso(current.purge_after)}; it is being destroyed and cannot be undeleted`
              : `project '${current.name}' is not deleted (status ${current.status}); there is nothing to undelete`,
          );
        return store.undelete(tx, p.id);
      },
    );
    try {
      await dataplane.start({ id: kept.id, hipaa: kept.audit_log_level === 'hipaa' });
      return kept;
    } catch (err) {
      const reason = `the project was undeleted but its cluster could not be started: ${(err as Error).message}`;
      log.error({ project: p.id, err }, 'undelete: cluster did not start');
      return (await setStatus(db, p.id, 'failed', reason)) ?? kept;
    }
  }

  /** Destroys the cluster, then (one transaction) shreds keys, certifies and marks deleted. */
  async function purge(p: Project): Promise<void> {
    const destroyedAt = new Date();
    await dataplane.destroy(p.id);
    const certificateId = newId('crt');
    await audit.mutate(
      SYSTEM,
      {
        action: 'project.purge',
        chain: p.org_id,
        target: target(p),
        details: { name: p.name, certificate_id: certificateId, key_ids: [], signing_key_id: signer.keyId },
      },
      async (tx, draft) => {
        const keyIds = await keys.destroyProjectKeys(tx, p.id);
        const keysAt = new Date();
        const org = await orgs.byId(p.org_id, tx);
        const by = await store.requester(tx, p.deletion_requested_by);
        const issued = issueCertificate(
          {
            id: certificateId,
            issued_at: keysAt.toISOString(),
            issuer: { name: settings.issuer, ward_version: VERSION, signing_key_id: signer.keyId },
            organization: {
              id: p.org_id,
              name: org?.name ?? p.org_id,
              legal_name: typeof org?.settings.legal_name === 'string' ? org.settings.legal_name : null,
            },
            project: {
              id: p.id,
              name: p.name,
              region_id: p.region_id,
              audit_log_level: p.audit_log_level,
              created_at: p.created_at.toISOString(),
            },
            deletion: {
              requested_at: iso(p.deletion_requested_at),
              requested_by: by ? { id: by.id, email: by.email } : null,
              audit_log_export_confirmed: p.audit_export_confirmed,
              grace_period_ended_at: iso(p.purge_after),
            },
            destruction: {
              cluster: {
                provider: dataplane.kind,
                destroyed_at: destroyedAt.toISOString(),
                what: "the project's PostgreSQL cluster was stopped and its data directory, with every file in it, removed",
              },
              keys: {
                ids: keyIds,
                destroyed_at: keysAt.toISOString(),
                what: 'crypto-shredding: the wrapped key material was erased, so nothing encrypted under these keys (role passwords, statement text, backups) can be decrypted again',
              },
            },
            audit_log: {
              chain: p.org_id,
              retention:
                "the project's audit events stay in the organization's audit log for its retention period",
            },
          },
          signer,
        );
        await certificates.record(tx, {
          id: certificateId,
          org_id: p.org_id,
          project_id: p.id,
          ...issued,
          issued_at: keysAt,
        });
        await store.markDeleted(tx, p.id);
        draft.details.key_ids = keyIds;
        draft.also.push({
          action: 'key.destroy',
          chain: p.org_id,
          target: target(p),
          details: { key_ids: keyIds },
        });
      },
    );
  }

  function purgeOnce(p: Project): Promise<void> {
    const running = inflight.get(p.id);
    if (running) return running;
    const work = purge(p)
      .catch(async (err) => {
        log.error(
          { project: p.id, err },
          'destroying a deleted HIPAA project failed; retrying on the next sweep',
        );
        await store
          .markFailed(db, p.id, `destroying the project failed (${(err as Error).message}); Ward retries`)
          .catch(() => undefined);
      })
      .finally(() => inflight.delete(p.id));
    inflight.set(p.id, work);
    return work;
  }

  /** Destroys every project whose grace period has ended. */
  function sweep(): Promise<void> {
    sweeping ??= (async () => {
      try {
        const due = await store.claimDue(db);
        await Promise.all(due.map(purgeOnce));
      } catch (err) {
        log.error({ err }, 'the HIPAA deletion sweep failed');
      } finally {
        sweeping = undefined;
      }
    })();
    return sweeping;
  }

  /** Sweeps now and then every quarter of the grace period (between 0.25 s and a minute). */
  async function start(): Promise<void> {
    stopped = false;
    await sweep();
    const every = Math.min(60_000, Math.max(250, Math.floor(settings.graceMs / 4)));
    const tick = () => {
      if (stopped) return;
      timer = setTimeout(() => void sweep().finally(tick), every);
      timer.unref();
    };
    tick();
  }

  async function stop(): Promise<void> {
    stopped = true;
    if (timer) clearTimeout(timer);
    await sweeping;
    await Promise.allSettled([...inflight.values()]);
  }

  return { schedule, undelete, sweep, start, stop, graceMs: settings.graceMs };
}

export type HipaaDeletion = ReturnType<typeof createHipaaDeletion>;
