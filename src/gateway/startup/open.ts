/**
 * @module gateway/startup/open
 * The server side of a new session: the person's database role in the project's cluster (made,
 * or brought up to date with their project role, with a fresh password only Ward knows), then a
 * login to the cluster's Unix socket as that role, passing on the client's startup parameters.
 */
import { APP_DATABASE, type DataPlaneProvider } from '../../dataplane/index.js';
import type { DbAccessService } from '../../dbaccess/index.js';
import { connectUpstream, socketPath, type Upstream } from '../upstream.js';
import type { Admission } from './admit.js';

export interface OpenDeps {
  dbaccess: Pick<DbAccessService, 'ensureRole'>;
  dataplane: Pick<DataPlaneProvider, 'adminConnection'>;
}

/** The server connection, logged in and ready for queries. */
export interface Opened {
  upstream: Upstream;
  /** The cluster's socket path (a CancelRequest opens a new connection to it). */
  path: string;
  dbRole: string;
}

export async function openUpstream(
  deps: OpenDeps,
  { target: t, ctx, projectRole }: Admission,
  params: Record<string, string>,
): Promise<Opened> {
  const role = await deps.dbaccess.ensureRole(
    ctx,
    {
      projectId: t.project_id,
      projectName: t.project_name,
      orgId: t.org_id,
      userId: t.user_id,
      email: t.email,
    },
    projectRole,
  );
  const conn = deps.dataplane.adminConnection(t.project_id);
  const path = socketPath(String(conn.host), Number(conn.port));
  const upstream = await connectUpstream({
    path,
    user: role.roleName,
    password: role.password,
    database: APP_DATABASE,
    params,
  });
  return { upstream, path, dbRole: role.roleName };
}
