/**
 * @module audit/ocsf
 * Ward's events in the Open Cybersecurity Schema Framework (OCSF 1.3) shape, for SIEMs that
 * ingest it: sign-ins as Authentication (3002), statements as Datastore Activity (6005), every
 * other change as API Activity (6003). The original hashed record travels in `unmapped.ward`, so
 * an OCSF export verifies offline like a plain one.
 */
import { AUDIT_ACTIONS } from './actions.js';

const VERBS: [RegExp, number, string][] = [
  [/\.(create|add|sign|grant)\b/, 1, 'Create'],
  [/\.(read|list|export|prove)\b/, 2, 'Read'],
  [/\.(update|rotate|provision|restart|enable|countersign)\b/, 3, 'Update'],
  [/\.(delete|revoke|remove|destroy|disable)\b/, 4, 'Delete'],
];

interface Event {
  chain: string;
  seq: number;
  id: string;
  time: string;
  action: string;
  outcome: string;
  actor: Record<string, unknown>;
  target: Record<string, unknown>;
  details: Record<string, unknown>;
}

function classOf(action: string): {
  class_uid: number;
  class_name: string;
  category_uid: number;
  category_name: string;
} {
  if (action.startsWith('auth.'))
    return {
      class_uid: 3002,
      class_name: 'Authentication',
      category_uid: 3,
      category_name: 'Identity & Access Management',
    };
  if (action.startsWith('db.'))
    return {
      class_uid: 6005,
      class_name: 'Datastore Activity',
      category_uid: 6,
      category_name: 'Application Activity',
    };
  return {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
  };
}

function activityOf(action: string): { activity_id: number; activity_name: string } {
  if (action === 'auth.logout') return { activity_id: 2, activity_name: 'Logoff' };
  if (action.startsWith('auth.login')) return { activity_id: 1, activity_name: 'Logon' };
  for (const [re, id, name] of VERBS) if (re.test(action)) return { activity_id: id, activity_name: name };
  return { activity_id: 99, activity_name: 'Other' };
}

export function toOcsf(
  e: Event,
  ward: { seq: number; body: string; prev_hash: string; hash: string },
): Record<string, unknown> {
  const cls = classOf(e.action);
  const act = activityOf(e.action);
  const ok = e.outcome === 'success';
  return {
    ...cls,
    ...act,
    type_uid: cls.class_uid * 100 + act.activity_id,
    time: Date.parse(e.time),
    severity_id: ok ? 1 : 3,
    severity: ok ? 'Informational' : 'Medium',
    status_id: ok ? 1 : 2,
    status: ok ? 'Success' : 'Failure',
    status_detail: e.outcome,
    message: AUDIT_ACTIONS[e.action as keyof typeof AUDIT_ACTIONS]?.summary ?? e.action,
    actor: {
      user: { uid: e.actor.id ?? null, email_addr: e.actor.email ?? null, type: e.actor.type },
      ...(e.actor.token_id ? { session: { uid: e.actor.token_id } } : {}),
    },
    ...(e.actor.ip ? { src_endpoint: { ip: e.actor.ip } } : {}),
    api: { operation: e.action, request: { uid: e.actor.request_id ?? null } },
    resources: [{ type: e.target.type, uid: e.target.id, name: e.target.name ?? null }],
    metadata: {
      version: '1.3.0',
      product: { name: 'Ward', vendor_name: 'Ward' },
      uid: e.id,
      log_name: e.chain,
      sequence: e.seq,
    },
    unmapped: { ward: ward },
  };
}
