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
  /** No OCSF field maps it (the hashed record carries it). */
  details?: Record<string, unknown>;
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

/**
 * The constant parts of an action's record, as JSON: from `{"class_uid"` to `"time":`, its
 * `,"message":…`, and its `,"api":{…` up to the request's uid. Worked out once per action of the
 * vocabulary (only those, so odd records in a chain cannot grow the map).
 */
interface Kind {
  head: string;
  message: string;
  api: string;
}
const KINDS = new Map<string, Kind>();

function kindOf(action: string): Kind {
  const known = KINDS.get(action);
  if (known) return known;
  const cls = classOf(action);
  const act = activityOf(action);
  const head = JSON.stringify({ ...cls, ...act, type_uid: cls.class_uid * 100 + act.activity_id });
  const kind = {
    head: `${head.slice(0, -1)},"time":`,
    message: `,"message":${JSON.stringify(AUDIT_ACTIONS[action as keyof typeof AUDIT_ACTIONS]?.summary ?? action)}`,
    api: `,"api":{"operation":${JSON.stringify(action)},"request":{"uid":`,
  };
  if (Object.hasOwn(AUDIT_ACTIONS, action)) KINDS.set(action, kind);
  return kind;
}

/** Text JSON writes as it is, between quotes: no quote, backslash, control or surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it looks for
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * JSON.stringify, quicker for the short plain strings an event is mostly made of (ids, emails,
 * addresses): those are only put between quotes, which is what JSON.stringify would give.
 */
function json(value: unknown): string {
  return typeof value === 'string' && PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}

const OK = ',"severity_id":1,"severity":"Informational","status_id":1,"status":"Success"';
const NOT_OK = ',"severity_id":3,"severity":"Medium","status_id":2,"status":"Failure"';
/** The status members of the usual outcomes, written once. */
const STATUSES = new Map([
  ['success', `${OK},"status_detail":"success"`],
  ['failure', `${NOT_OK},"status_detail":"failure"`],
  ['denied', `${NOT_OK},"status_detail":"denied"`],
]);
const statusOf = (outcome: unknown) =>
  STATUSES.get(outcome as string) ?? `${outcome === 'success' ? OK : NOT_OK}${opt('status_detail', outcome)}`;
const PRODUCT = ',"metadata":{"version":"1.3.0","product":{"name":"Ward","vendor_name":"Ward"}';

/** The last time read, and its milliseconds as JSON: the events of one write share their time. */
let lastTime: unknown;
let lastMs = 'null';
function msOf(time: unknown): string {
  if (time !== lastTime) {
    lastTime = time;
    lastMs = JSON.stringify(Date.parse(time as string));
  }
  return lastMs;
}

/** `,"key":value`, or nothing when the value is undefined (JSON.stringify leaves such keys out). */
const opt = (key: string, value: unknown) => (value === undefined ? '' : `,"${key}":${json(value)}`);

/** The hashed record's fields as JSON members, `"seq":…,"body":…,"prev_hash":…,"hash":…`. */
export interface WardRecord {
  seq: number;
  body: string;
  prev_hash: string;
  hash: string;
}
export const recordMembers = (ward: WardRecord) =>
  `"seq":${json(ward.seq)},"body":${json(ward.body)},"prev_hash":${json(ward.prev_hash)},"hash":${json(ward.hash)}`;

/**
 * The OCSF record of event `e` as one line of JSON, carrying `members` (its hashed record's
 * fields as JSON members: `recordMembers`, or what a plain export line holds) in `unmapped.ward`.
 * Written out rather than built as an object and stringified: an export maps every event, and
 * this is several times faster. It is exactly what JSON.stringify gives for the record, property
 * for property and in the same order; ocsf.test.ts checks that against the mapping as an object,
 * for any event, and export-lines.golden.test.ts pins the bytes.
 */
export function ocsfLineWith(e: Event, members: string): string {
  const k = kindOf(e.action);
  const a = e.actor;
  const t = e.target;
  const user = `{"uid":${json(a.id ?? null)},"email_addr":${json(a.email ?? null)}${opt('type', a.type)}}`;
  const session = a.token_id ? `,"session":{"uid":${json(a.token_id)}}` : '';
  const endpoint = a.ip ? `,"src_endpoint":{"ip":${json(a.ip)}}` : '';
  // Its first two keys may each be missing, so the commas are placed by hand.
  const type = t.type === undefined ? '' : `"type":${json(t.type)},`;
  const resource = `{${type}${t.id === undefined ? '' : `"uid":${json(t.id)},`}"name":${json(t.name ?? null)}}`;
  const metadata = `${PRODUCT}${opt('uid', e.id)}${opt('log_name', e.chain)}${opt('sequence', e.seq)}}`;
  return `${k.head}${msOf(e.time)}${statusOf(e.outcome)}${k.message},"actor":{"user":${user}${session}}${endpoint}${k.api}${json(a.request_id ?? null)}}},"resources":[${resource}]${metadata},"unmapped":{"ward":{${members}}}}`;
}

/**
 * The members of a stored record that its OCSF line maps, from the record's canonical JSON: every
 * member but `details`, which no OCSF field takes and which is most of a statement's record. The
 * record's keys are in RFC 8785 order (…, "chain", "details", "id", …), so `details` starts at
 * the first `,"details":{` (no string holds an unescaped quote, and no member before it, the
 * action, the actor's strings and the chain, has a key of that name) and ends at the last
 * `},"id":"` (the record's id follows it; a key inside details is followed by more of details,
 * and the target's id opens its object). A record of another shape is parsed whole.
 */
export function mappedMembers(body: string): Event {
  const from = body.indexOf(',"details":{');
  const to = body.lastIndexOf('},"id":"');
  if (from < 0 || to < from) return JSON.parse(body);
  try {
    const e = JSON.parse(`${body.slice(0, from)}${body.slice(to + 1)}`);
    if (typeof e.id === 'string' && typeof e.action === 'string') return e;
  } catch {
    // Not a record Ward wrote: read it whole.
  }
  return JSON.parse(body);
}

/** The OCSF record of event `e` as one line of JSON, carrying `ward` in `unmapped.ward`. */
export const ocsfLine = (e: Event, ward: WardRecord): string => ocsfLineWith(e, recordMembers(ward));

/** The OCSF record of event `e` as an object (sinks send it): `ocsfLine`, parsed. */
export function toOcsf(e: Event, ward: WardRecord): Record<string, unknown> {
  return JSON.parse(ocsfLine(e, ward));
}
