#!/usr/bin/env node
// Issue 20's figure: computing the whole compliance posture of an org with 100 HIPAA projects
// takes under 1 s. `ward up` on a scratch home (the default regions; HIPAA projects in
// local-hipaa), one HIPAA org (owner with two-step verification, BAA executed) with PROJECTS
// running HIPAA projects, each with a grant for a second member; then, ROUNDS times each,
// alternating:
//   posture    GET /api/v1/orgs/{org}/compliance: every live check, attestations, decisions,
//              the state bookkeeping and the 90-day history, as the console asks for it
//   baseline   GET /api/v1/orgs/{org}/projects?limit=PROJECTS: the same org's project list,
//              the cheapest page that reads every project
// and prints both medians, p95s and their ratio. Target: posture median and p95 < 1 s.
// Usage: npm run build && node bench/compliance.mjs   (PROJECTS=100 ROUNDS=20 PARALLEL=4)
import { currentTotp } from '../dist/identity/totp.js';
import { api, cleanup, operatorToken, scratchHome, startWard, stats, waitFor } from './lib.mjs';

const PROJECTS = Number(process.env.PROJECTS ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const PARALLEL = Number(process.env.PARALLEL ?? 4);
const PORT = 18391;
const PASSWORD = 'correct horse battery staple';
const log = (line) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function personWithTotp(url, operator, email) {
  await api(url, 'POST', '/api/v1/users', {
    token: operator,
    body: { email, name: email, password: PASSWORD },
  });
  const first = (await api(url, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } })).token;
  const { secret } = await api(url, 'POST', '/api/v1/auth/mfa/totp', { token: first });
  const confirmed = await api(url, 'POST', '/api/v1/auth/mfa/totp/verify', {
    token: first,
    body: { code: await currentTotp(secret) },
  });
  const body = { email, password: PASSWORD, totp: confirmed.recovery_codes[0] };
  return (await api(url, 'POST', '/api/v1/auth/login', { body })).token;
}

async function hipaaOrg(url, operator, owner) {
  await api(url, 'PUT', '/api/v1/operator/business-associate', {
    token: operator,
    body: { legal_name: 'Bench Hosting LLC', address: '1 Operator Way' },
  });
  await api(url, 'POST', '/api/v1/orgs', { token: owner, body: { name: 'bench' } });
  await api(url, 'PATCH', '/api/v1/orgs/bench', { token: operator, body: { plan: 'enterprise' } });
  await api(url, 'PATCH', '/api/v1/orgs/bench', {
    token: owner,
    body: { settings: { legal_name: 'Bench Health Inc.', address: '1 Bench St' } },
  });
  const doc = await api(url, 'POST', '/api/v1/orgs/bench/baa', { token: owner });
  const sig = { document_sha256: doc.document_sha256, name: 'Owner', title: 'CEO' };
  await api(url, 'POST', '/api/v1/orgs/bench/baa/sign', { token: owner, body: { ...sig, accept: true } });
  await api(url, 'POST', '/api/v1/orgs/bench/baa/countersign', {
    token: operator,
    body: { ...sig, title: 'Ops' },
  });
}

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const home = scratchHome('ward-bench-compliance-');
let ward;
try {
  ward = await startWard(home, PORT);
  const { url } = ward;
  const operator = await operatorToken(url, home);
  const owner = await personWithTotp(url, operator, 'owner@bench.test');
  await personWithTotp(url, operator, 'dev@bench.test');
  await hipaaOrg(url, operator, owner);
  await api(url, 'POST', '/api/v1/orgs/bench/members', {
    token: owner,
    body: { email: 'dev@bench.test', role: 'developer' },
  });
  log(`creating ${PROJECTS} HIPAA projects, ${PARALLEL} at a time`);
  const names = Array.from({ length: PROJECTS }, (_, i) => `records-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < names.length; i += PARALLEL) {
    await Promise.all(
      names.slice(i, i + PARALLEL).map(async (name) => {
        const p = await api(url, 'POST', '/api/v1/orgs/bench/projects', {
          token: owner,
          body: { name, region_id: 'local-hipaa' },
        });
        await waitFor(
          async () =>
            (await api(url, 'GET', `/api/v1/projects/${p.id}`, { token: owner })).status === 'running',
          300_000,
          200,
        );
        await api(url, 'PUT', `/api/v1/projects/${p.id}/grants`, {
          token: owner,
          body: { email: 'dev@bench.test', role: 'readonly' },
        });
      }),
    );
    if ((i + PARALLEL) % 20 === 0) log(`${i + PARALLEL} running`);
  }
  const posture = () => api(url, 'GET', '/api/v1/orgs/bench/compliance', { token: owner });
  const list = () => api(url, 'GET', `/api/v1/orgs/bench/projects?limit=${PROJECTS}`, { token: owner });
  const first = await posture();
  const listed = await list();
  if (listed.projects.length !== PROJECTS)
    throw new Error(`the org lists ${JSON.stringify(listed).slice(0, 200)}, not ${PROJECTS} projects`);
  await timed(posture);
  await timed(list);
  const samples = { posture: [], baseline: [] };
  for (let i = 0; i < ROUNDS; i++) {
    samples.posture.push(await timed(posture));
    samples.baseline.push(await timed(list));
  }
  const p95 = (s) => [...s].sort((a, b) => a - b)[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
  const row = (name, s) =>
    `${name.padEnd(9)} median ${stats(s).median.toFixed(1).padStart(7)} ms   p95 ${p95(s).toFixed(1).padStart(7)} ms`;
  console.log(`compliance posture of one org with ${PROJECTS} HIPAA projects, ${ROUNDS} rounds`);
  console.log(
    `  controls ${first.controls.length}, required ${first.required_score}%, addressable ${first.addressable_score}%`,
  );
  console.log(`  ${row('posture', samples.posture)}   target < 1000 ms`);
  console.log(`  ${row('baseline', samples.baseline)}   (the org's project list)`);
  console.log(
    `  ratio posture/baseline (median) ${(stats(samples.posture).median / stats(samples.baseline).median).toFixed(2)}x`,
  );
} finally {
  await ward?.stop();
  cleanup(home);
}
