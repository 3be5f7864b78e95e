/**
 * @module evidence/canonical
 * RFC 8785 JSON Canonicalization Scheme for the JSON values audit events hold. ECMAScript's
 * JSON.stringify already serializes numbers and strings exactly as RFC 8785 §3.2.2 requires;
 * what remains is sorting object members by their UTF-16 code units, recursively, and refusing
 * values JSON cannot represent exactly (NaN, Infinity; undefined members are dropped as JSON
 * does). Written as one pass with no intermediate arrays of entries: it runs for every event.
 * A value made with `constant` (deeply frozen, so it can never change) is written once and its
 * text reused: the gateway's events repeat one actor and one target for a whole session.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Canonical text of values made by `constant`; only those, since only they cannot change. */
const constants = new WeakMap<object, string>();

/** Deeply freezes `value` so its canonical text can be computed once and reused. */
export function constant<T extends object>(value: T): Readonly<T> {
  for (const v of Object.values(value))
    if (v !== null && typeof v === 'object' && !constants.has(v)) constant(v);
  Object.freeze(value);
  constants.set(value, write(value, false));
  return value;
}

function write(value: unknown, reuse = true): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot canonicalize the number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (reuse) {
        const known = constants.get(value);
        if (known !== undefined) return known;
      }
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const v = value[i];
          out += v === undefined || typeof v === 'function' ? 'null' : write(v);
        }
        return `${out}]`;
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return write(toJSON.call(value));
      // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 specifies.
      const keys = Object.keys(value).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined || typeof v === 'function') continue;
        out += `${first ? '' : ','}${JSON.stringify(k)}:${write(v)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`cannot canonicalize a ${typeof value}`);
  }
}

export function canonicalize(value: unknown): string {
  return write(value);
}
