/**
 * @module compliance/checks/transmission
 * 164.312(e)(2)(i) and (ii), transmission integrity and encryption: the gateway requires TLS 1.2
 * or later, the API and console are served over TLS wherever they listen beyond loopback, and no
 * project of the org accepts plaintext connections (a standard project may allow them from the
 * gateway's own machine; HIPAA projects never can, and in a HIPAA org the opt-in weakens the
 * whole). Ward's facts come from ward.yaml; the projects from one query.
 */
import { sql } from 'kysely';
import { isLoopback } from '../../lib/loopback.js';
import type { Check, CheckEnv } from './check.js';
import { listed, verdict } from './wording.js';

const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const MIN_TLS = 'TLSv1.2';

const atLeast = (version: string, min: string) => TLS_VERSIONS.indexOf(version) >= TLS_VERSIONS.indexOf(min);

const plaintextProjects = (env: CheckEnv) =>
  sql<{ id: string; name: string; hipaa: boolean }>`
    SELECT id, name, audit_log_level = 'hipaa' AS hipaa FROM projects
     WHERE org_id = ${env.org.id} AND allow_plaintext AND status <> 'deleted'
     ORDER BY created_at, id`.execute(env.db);

/** Whether the API listens only on this machine's loopback. */
const loopbackOnly = (host: string) => host === 'localhost' || isLoopback(host);

export const transmission: Check = {
  id: 'transmission',
  threshold:
    'gateway: TLS required, ≥ 1.2; API over TLS beyond loopback; no project accepting plaintext connections',
  async run(env) {
    const { platform } = env;
    const { rows } = await plaintextProjects(env);
    const problems: string[] = [];
    if (!platform.gatewayRequiresTls)
      problems.push(
        'the gateway accepts database sessions without TLS: the operator gives the gateway its TLS certificate in ward.yaml so that it requires TLS, and restarts Ward',
      );
    if (!atLeast(platform.gatewayTlsMinVersion, MIN_TLS))
      problems.push(
        `the gateway accepts ${platform.gatewayTlsMinVersion}, older than TLS 1.2: the operator sets the gateway's minimum TLS version to TLSv1.2 or TLSv1.3 in ward.yaml and restarts Ward`,
      );
    if (!platform.apiTls && !loopbackOnly(platform.apiHost))
      problems.push(
        `the API and console listen on '${platform.apiHost}' without TLS: the operator sets tls.cert and tls.key (or tls.ward_ca: true) in ward.yaml and restarts Ward`,
      );
    const hipaa = rows.filter((p) => p.hipaa).map((p) => p.name);
    if (hipaa.length > 0)
      problems.push(
        `the HIPAA ${hipaa.length === 1 ? 'project' : 'projects'} ${listed(hipaa)} ${hipaa.length === 1 ? 'accepts' : 'accept'} plaintext connections: \`ward project set ${hipaa[0]} --org ${env.org.name} --plaintext refused\``,
      );
    const standard = rows.filter((p) => !p.hipaa).map((p) => p.name);
    if (standard.length > 0)
      problems.push(
        `${listed(standard)} ${standard.length === 1 ? 'accepts' : 'accept'} plaintext connections from the gateway's machine, so data crosses that hop unencrypted: \`ward project set ${standard[0]} --org ${env.org.name} --plaintext refused\` (or Connections: “TLS required” on the project's page in the console)`,
      );
    const evidence = {
      gateway: { requires_tls: platform.gatewayRequiresTls, min_version: platform.gatewayTlsMinVersion },
      api: { host: platform.apiHost, tls: platform.apiTls, loopback_only: loopbackOnly(platform.apiHost) },
      plaintext_projects: rows.map((p) => ({ id: p.id, name: p.name, hipaa: p.hipaa })),
    };
    return verdict(
      problems,
      `the gateway requires TLS (${platform.gatewayTlsMinVersion} or later); the API is ${platform.apiTls ? 'served over TLS' : `on loopback only (${platform.apiHost})`}; no project accepts plaintext connections`,
      evidence,
    );
  },
};
