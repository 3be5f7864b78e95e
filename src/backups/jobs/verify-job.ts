/**
 * @module backups/jobs/verify-job
 * Verifies a project's repository: pgBackRest decrypts and reads every backup file and WAL file
 * and checks each against the checksum its manifest recorded. Any damage fails the operation
 * with pgBackRest's own words about which file is bad; it is never a silent success.
 */
import { findProjectById } from '../../projects/index.js';
import { PgBackRestError } from '../pgbackrest/pgbackrest.js';
import { OperationFailed, type Runner } from './context.js';

/** Lines of verify's text output that report damage. */
export function verifyProblems(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.replace(/^P\d+ +\w+: /, '').trim())
    .filter(
      (l) => /invalid|missing|error|unable|mismatch/i.test(l) && !/: 0$/.test(l) && !/status: ok/.test(l),
    );
}

export const runVerify: Runner = async (deps, op, progress) => {
  const project = await findProjectById(deps.db, op.project_id);
  if (!project) throw new OperationFailed(`project ${op.project_id} no longer exists`);
  progress.report('reading every backup and WAL file', 5);
  const backups = (await deps.repos.backups(project)).length;
  let output: string;
  try {
    output = await deps.pgbackrest.run(await deps.repos.target(project, false), 'verify', [
      '--output=text',
      '--verbose',
      '--log-level-console=info',
    ]);
  } catch (err) {
    if (err instanceof PgBackRestError)
      throw new OperationFailed(`the repository of '${project.name}' is damaged: ${err.detail}`, {
        backups,
        problems: [err.detail],
      });
    throw err;
  }
  const problems = verifyProblems(output);
  if (problems.length)
    throw new OperationFailed(
      `the repository of '${project.name}' is damaged: ${problems.slice(0, 5).join('; ')}`,
      {
        backups,
        problems,
      },
    );
  return { backups, problems: [] };
};
