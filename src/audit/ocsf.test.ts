/**
 * The OCSF line is written out by hand for speed; it must stay exactly what JSON.stringify gave
 * for the mapping built as an object (below, as it was), for every action and any event,
 * including fields that are missing, null, or text JSON has to escape.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../evidence/index.js';
import { AUDIT_ACTION_NAMES, AUDIT_ACTIONS } from './actions.js';
import { mappedMembers, ocsfLine, toOcsf } from './ocsf.js';

type Rec = Record<string, any>;

/** The mapping as an object, as Ward built it before the line was written out. */
function reference(e: Rec, ward: Rec): Rec {
  const cls = e.action.startsWith('auth.')
    ? {
        class_uid: 3002,
        class_name: 'Authentication',
        category_uid: 3,
        category_name: 'Identity & Access Management',
      }
    : e.action.startsWith('db.')
      ? {
          class_uid: 6005,
          class_name: 'Datastore Activity',
          category_uid: 6,
          category_name: 'Application Activity',
        }
      : {
          class_uid: 6003,
          class_name: 'API Activity',
          category_uid: 6,
          category_name: 'Application Activity',
        };
  const verbs: [RegExp, number, string][] = [
    [/\.(create|add|sign|grant)\b/, 1, 'Create'],
    [/\.(read|list|export|prove)\b/, 2, 'Read'],
    [/\.(update|rotate|provision|restart|enable|countersign)\b/, 3, 'Update'],
    [/\.(delete|revoke|remove|destroy|disable)\b/, 4, 'Delete'],
  ];
  let act = { activity_id: 99, activity_name: 'Other' };
  if (e.action === 'auth.logout') act = { activity_id: 2, activity_name: 'Logoff' };
  else if (e.action.startsWith('auth.login')) act = { activity_id: 1, activity_name: 'Logon' };
  else
    for (const [re, id, name] of verbs)
      if (re.test(e.action)) {
        act = { activity_id: id, activity_name: name };
        break;
      }
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
    message: (AUDIT_ACTIONS as Rec)[e.action]?.summary ?? e.action,
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
    unmapped: { ward },
  };
}

/** Text with what JSON escapes (quotes, backslashes, controls, lone surrogates) and what it keeps. */
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '😀', '\ud800', 'é', ''),
);
/** A field's value: usually text, sometimes missing, null, a number, a boolean or an object. */
const value = fc.oneof(
  { weight: 6, arbitrary: text },
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.dictionary(fc.string(), text, { maxKeys: 2 }),
);
const fields = <K extends string>(keys: K[]) =>
  fc.record(Object.fromEntries(keys.map((k) => [k, value])) as Record<K, typeof value>, {
    requiredKeys: [],
  });

const event = fc.record({
  action: fc.oneof(fc.constantFrom(...AUDIT_ACTION_NAMES, 'auth.logout', 'x.constructor'), text),
  outcome: fc.oneof(fc.constantFrom('success', 'failure', 'denied'), value),
  time: fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('not a time', ''),
  ),
  actor: fields(['id', 'email', 'type', 'token_id', 'ip', 'request_id', 'operator']),
  target: fields(['type', 'id', 'name']),
  id: value,
  chain: value,
  seq: fc.nat(),
  details: fc.dictionary(fc.string(), text),
});
const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const ward = fc.record({ seq: fc.nat(), body: text, prev_hash: hex32, hash: hex32 });

describe('an OCSF line', () => {
  it('is what JSON.stringify gives for the mapping as an object, for any event', () => {
    fc.assert(
      fc.property(event, ward, (e, w) => {
        const expected = JSON.stringify(reference(e, w));
        expect(ocsfLine(e as never, w)).toBe(expected);
        expect(JSON.stringify(toOcsf(e as never, w))).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads as before for a sign-in', () => {
    const e = {
      chain: 'org_aaaaaaaaaaaaaaaa',
      seq: 7,
      id: 'evt_aaaaaaaaaaaaaaaa',
      time: '2026-12-06T21:00:00.000Z',
      action: 'auth.login.success',
      outcome: 'success',
      actor: { type: 'user', id: 'usr_a', email: 'a@acme.test', token_id: 'tok_a', ip: '10.0.0.1' },
      target: { type: 'user', id: 'usr_a' },
      details: {},
    };
    const w = { seq: 7, body: '{"a":"\\"x\\""}', prev_hash: '00'.repeat(32), hash: 'ff'.repeat(32) };
    expect(ocsfLine(e, w)).toBe(
      `{"class_uid":3002,"class_name":"Authentication","category_uid":3,"category_name":"Identity & Access Management","activity_id":1,"activity_name":"Logon","type_uid":300201,"time":1796590800000,"severity_id":1,"severity":"Informational","status_id":1,"status":"Success","status_detail":"success","message":"a person signed in","actor":{"user":{"uid":"usr_a","email_addr":"a@acme.test","type":"user"},"session":{"uid":"tok_a"}},"src_endpoint":{"ip":"10.0.0.1"},"api":{"operation":"auth.login.success","request":{"uid":null}},"resources":[{"type":"user","uid":"usr_a","name":null}],"metadata":{"version":"1.3.0","product":{"name":"Ward","vendor_name":"Ward"},"uid":"evt_aaaaaaaaaaaaaaaa","log_name":"org_aaaaaaaaaaaaaaaa","sequence":7},"unmapped":{"ward":{"seq":7,"body":"{\\"a\\":\\"\\\\\\"x\\\\\\"\\"}","prev_hash":"${'00'.repeat(32)}","hash":"${'ff'.repeat(32)}"}}}`,
    );
  });

  it('maps a stored record read without its details exactly as read whole', () => {
    // Details that hold what the shortcut looks for: keys named id, nested objects, the text.
    const tricky = fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom('id', 'details', 'a', 'zz')),
      fc.oneof(
        text,
        fc.constantFrom('},"id":"x', ',"details":{'),
        fc.dictionary(fc.constantFrom('id', 'a', 'zz'), fc.oneof(text, fc.constant({})), { maxKeys: 3 }),
      ),
    );
    fc.assert(
      fc.property(event, tricky, ward, (e, details, w) => {
        const body = canonicalize({ ...e, details } as never);
        const whole = { ...JSON.parse(body), seq: e.seq };
        const mapped = { ...mappedMembers(body), seq: e.seq };
        expect(ocsfLine(mapped as never, w)).toBe(ocsfLine(whole as never, w));
      }),
      { numRuns: 3000 },
    );
  });

  it('does not read the details of a record Ward wrote', () => {
    const body = canonicalize({
      action: 'db.statement',
      actor: { id: 'usr_a', type: 'user' },
      chain: 'org_a',
      details: { previous: { id: 'evt_b', rows: 1 }, statement: 'SELECT 1 /* },"id":" */' },
      id: 'evt_a',
      outcome: 'success',
      target: { id: 'prj_a', type: 'project' },
      time: '2026-12-07T19:00:00.000Z',
    } as never);
    expect(mappedMembers(body)).toEqual({
      action: 'db.statement',
      actor: { id: 'usr_a', type: 'user' },
      chain: 'org_a',
      id: 'evt_a',
      outcome: 'success',
      target: { id: 'prj_a', type: 'project' },
      time: '2026-12-07T19:00:00.000Z',
    });
  });
});
