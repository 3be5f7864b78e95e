/**
 * @module compliance/checks/encryption-at-rest
 * 164.312(a)(2)(iv), encryption and decryption: the storage of every HIPAA project's region is
 * encrypted and Ward verified it (the region catalog judges it live from the kernel's answers:
 * dm-crypt under the data directory, or an fscrypt policy on every project directory; ADRs 0032
 * and 0033), and every backup of a HIPAA project is encrypted (the cipher pgBackRest reports for
 * it). `declared` is not enough: Ward cannot see it, and an owner who relies on a provider's disk
 * encryption records that as an alternative measure. One query, and the region judgements.
 */
import { sql } from 'kysely';
import type { Check, CheckEnv, RegionStorage } from './check.js';
import { listed, plural, verdict } from './wording.js';

interface RegionRow {
  region_id: string;
  projects: string[];
  plain_backups: string[];
  ciphers: string[];
  backed_up: number;
}

/** HIPAA projects whose data is on disk (pending deletion too), by region, with their backups' ciphers. */
const byRegion = (env: CheckEnv) =>
  sql<RegionRow>`
    SELECT p.region_id,
           array_agg(DISTINCT p.name) AS projects,
           coalesce(array_agg(DISTINCT p.name) FILTER (WHERE bc.cipher = 'none'), '{}') AS plain_backups,
           coalesce(array_agg(DISTINCT bc.cipher) FILTER (WHERE bc.cipher IS NOT NULL), '{}') AS ciphers,
           count(DISTINCT p.id) FILTER (WHERE bc.cipher IS NOT NULL)::int AS backed_up
      FROM projects p
      LEFT JOIN LATERAL (SELECT DISTINCT b.cipher FROM backups b WHERE b.project_id = p.id) bc ON true
     WHERE p.org_id = ${env.org.id} AND p.audit_log_level = 'hipaa'
       AND p.status IN ('running', 'suspended', 'pending_deletion')
     GROUP BY p.region_id ORDER BY p.region_id`.execute(env.db);

function regionProblem(row: RegionRow, region: RegionStorage | undefined): string | undefined {
  const who = `the HIPAA ${row.projects.length === 1 ? 'project' : 'projects'} ${listed(row.projects)}`;
  if (!region)
    return `${who} ${row.projects.length === 1 ? 'runs' : 'run'} in the region '${row.region_id}', which is no longer in ward.yaml, so its encryption cannot be judged: the operator adds the region back`;
  if (region.status === 'verified') return undefined;
  const move = `restore ${row.projects.length === 1 ? 'it' : 'them'} into new projects in a region whose encryption is verified (\`ward project restore --project … --name … --region …\`; an existing project directory is not encrypted after the fact)`;
  if (region.status === 'declared')
    return `${who} ${row.projects.length === 1 ? 'runs' : 'run'} in the region '${region.id}', whose storage encryption is declared but not verified by Ward (${region.detail}): the operator makes it verifiable (dm-crypt under the data directory, or project_encryption: fscrypt for the region in ward.yaml), or ${move}; if a provider encrypts the disk, an owner records that as an alternative measure for this control`;
  return `${who} ${row.projects.length === 1 ? 'runs' : 'run'} in the region '${region.id}', whose storage is not encrypted (${region.detail}): the operator encrypts it (project_encryption: fscrypt for the region in ward.yaml where the kernel supports fscrypt, or dm-crypt under the data directory), then ${move}`;
}

export const encryptionAtRest: Check = {
  id: 'encryption-at-rest',
  threshold: "storage encryption of every HIPAA project's region verified by Ward; every backup encrypted",
  async run(env) {
    const [{ rows }, regions] = await Promise.all([byRegion(env), env.regions()]);
    const byId = new Map(regions.map((r) => [r.id, r]));
    const problems: string[] = [];
    for (const row of rows) {
      const p = regionProblem(row, byId.get(row.region_id));
      if (p) problems.push(p);
    }
    const plain = rows.flatMap((r) => r.plain_backups);
    if (plain.length > 0)
      problems.push(
        `${plural(plain.length, 'HIPAA project')} (${listed(plain)}) ${plain.length === 1 ? 'has' : 'have'} unencrypted backups: take a new backup (\`ward backup create --org ${env.org.name} --project ${plain[0]}\`), which Ward encrypts (aes-256-cbc), and ask the operator why the repository is not encrypted`,
      );
    const projects = rows.reduce((n, r) => n + r.projects.length, 0);
    const evidence = {
      regions: rows.map((r) => {
        const region = byId.get(r.region_id);
        return {
          id: r.region_id,
          hipaa_projects: r.projects.length,
          storage_encryption: region?.storage_encryption ?? null,
          status: region?.status ?? 'unknown',
          detail: region?.detail ?? null,
        };
      }),
      backups: {
        projects_with_backups: rows.reduce((n, r) => n + r.backed_up, 0),
        ciphers: [...new Set(rows.flatMap((r) => r.ciphers))].sort(),
        unencrypted_projects: plain,
      },
    };
    if (projects === 0) return verdict([], 'no HIPAA projects yet', evidence);
    return verdict(
      problems,
      `the storage of every HIPAA project is encrypted and verified (${rows.map((r) => `'${r.region_id}': ${byId.get(r.region_id)?.detail ?? ''}`).join('; ')}); every backup is encrypted`,
      evidence,
    );
  },
};
