/**
 * @module compliance/checks/baa
 * Business associate contracts (164.308(b)(3), 164.314(a)(2)(i)): the org and the operator have
 * an executed BAA, and it is the one Ward would have them sign today. The hipaa module judges it
 * (`baaStanding`, the same judgement as `ward org hipaa status`'s baa_current): the text Ward
 * renders now (template version, the org's legal name and address, the business associate) must
 * hash to the executed BAA's SHA-256. Only the BAA's ids, versions, hashes, dates and signer's
 * name are recorded, never its text.
 */
import type { BaaRecord, BaaStanding } from '../../hipaa/index.js';
import type { Check, CheckEnv, CheckResult } from './check.js';
import { day } from './wording.js';

const view = (b: BaaRecord | null) =>
  b && {
    id: b.id,
    template_version: b.template_version,
    document_sha256: b.document_sha256,
    signed_by: b.signer_name,
    signed_at: b.signed_at.toISOString(),
    countersigned_at: b.countersigned_at?.toISOString() ?? null,
  };

/** What to do next, by where the org stands. */
function nextStep(s: BaaStanding, org: string): string {
  if (s.pending)
    return `the BAA ${s.pending.signer_name} signed on ${day(s.pending.signed_at)} waits for the operator's countersignature (\`ward org baa countersign ${org}\`, or the console's Organizations page)`;
  return `an owner reads and signs the current BAA (\`ward org hipaa enable ${org}\`, or the console's HIPAA tab) and the operator countersigns it (\`ward org baa countersign ${org}\`)`;
}

function whyStale(s: BaaStanding, executed: BaaRecord): string {
  if (s.render_problem) return `Ward cannot render the org's BAA today: ${s.render_problem}`;
  if (executed.template_version !== s.current_version)
    return `it was signed on template ${executed.template_version} and Ward's current template is ${s.current_version}`;
  return "the org's legal name or address, or the business associate the operator names, changed since it was signed";
}

async function run(env: CheckEnv): Promise<CheckResult> {
  const org = env.org.name;
  if (!env.baaStanding)
    return {
      outcome: 'fail',
      message:
        "this Ward did not give the compliance checks the BAA's standing (CheckEnv.baaStanding), so the BAA cannot be judged; that is a fault of Ward itself, to report to the operator",
      evidence: { judged: false },
    };
  const s = await env.baaStanding();
  const evidence = {
    executed: view(s.executed),
    pending: view(s.pending),
    current: s.current,
    current_template_version: s.current_version,
    render_problem: s.render_problem,
  };
  const executed = s.executed;
  if (!executed)
    return {
      outcome: 'fail',
      message: `'${org}' has no executed Business Associate Agreement: ${nextStep(s, org)}`,
      evidence,
    };
  if (s.current !== true)
    return {
      outcome: 'fail',
      message: `The BAA of '${org}' executed on ${day(executed.countersigned_at ?? executed.signed_at)} (${executed.id}) is no longer the one Ward renders: ${whyStale(s, executed)}. To bring it up to date, ${nextStep(s, org)}`,
      evidence,
    };
  return {
    outcome: 'pass',
    message: `The BAA of '${org}' (${executed.id}, template ${executed.template_version}) was signed by ${executed.signer_name} and countersigned on ${day(executed.countersigned_at ?? executed.signed_at)}, and it is the text Ward renders today`,
    evidence,
  };
}

export const baa: Check = {
  id: 'baa',
  threshold:
    "the org's BAA is executed (signed by an owner, countersigned by the operator) and current: Ward's current template, filled with today's details, hashes to the executed BAA's SHA-256",
  run,
};
