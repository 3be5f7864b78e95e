/**
 * @module db/prepared-pool
 * Kysely sends every query as an unnamed statement, so PostgreSQL parses and plans it on every
 * call; for Ward's short lookups planning is most of the cost (measured here: an org-and-role
 * join runs at 6.1k/s unnamed, 15.5k/s prepared). This pool hands Kysely clients that send each
 * parameterized query as a named prepared statement instead: node-postgres prepares it once per
 * connection and then only binds and executes. The name is a digest of the text, so one name
 * always means one text. At most MAX_NAMES distinct texts are named per process (a query whose
 * text varies, such as a multi-row INSERT, cannot grow server memory without bound); the rest,
 * and anything without parameters (migrations, multi-statement scripts), go unnamed as before.
 *
 * A connection pooler in transaction mode in front of an external database must support
 * protocol-level prepared statements (PgBouncer 1.21+ with max_prepared_statements).
 */
import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

const MAX_NAMES = 1000;

export function preparingPool(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMES) {
      name = `w_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      return {
        // biome-ignore lint/suspicious/noExplicitAny: mirrors Kysely's overloaded signature
        query: ((sqlOrCursor: any, parameters?: ReadonlyArray<unknown>) => {
          if (typeof sqlOrCursor !== 'string') return client.query(sqlOrCursor);
          const values = parameters ? [...parameters] : [];
          const name = values.length > 0 ? nameOf(sqlOrCursor) : undefined;
          return client.query(name ? { name, text: sqlOrCursor, values } : { text: sqlOrCursor, values });
        }) as PostgresPoolClient['query'],
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}
