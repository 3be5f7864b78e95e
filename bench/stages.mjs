// Where Ward's CPU goes, by stage, from a V8 CPU profile of the `ward up` process (node
// --cpu-prof). Each sample is charged by walking its stack from the leaf: the first frame that is
// Node's TLS, socket or stream code, or the pg driver, or Ward's own code decides its stage, so a
// builtin such as JSON.stringify counts for the Ward function that called it and a socket write
// (with its TLS encryption, done natively inside it) for `net_tls`, whoever asked for it. A stack
// with none of those is `gc` or `other`. Only samples inside the given windows count (the
// monotonic clock, which the profile's timestamps and process.hrtime share on Linux).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Stages in the order they are printed; the first rule whose pattern matches a frame's URL wins. */
export const STAGES = ['relay', 'normalize', 'seal', 'hash', 'store', 'net_tls', 'gc', 'other'];
const WARD_RULES = [
  ['normalize', /\/dist\/(gateway\/statements|phi)\//],
  ['seal', /\/dist\/dbaccess\/statement-text/],
  ['hash', /\/dist\/(evidence\/|audit\/seal)/],
  ['store', /\/dist\/(audit|db|lib\/pg-)/],
  ['relay', /\/dist\/(gateway|dbaccess)\//],
];
const NODE_RULES = [
  // Node's sockets and streams; TLS encrypts inside their native writes, so it is here too.
  ['net_tls', /node:(internal\/)?(tls|_tls|net|stream|streams|_stream)|internal\/(tls|stream)/],
  ['store', /\/node_modules\/(pg|pg-protocol|kysely)\//],
];

function stageOfStack(node, parentOf, nodes) {
  for (let n = node; n; n = nodes.get(parentOf.get(n.id))) {
    const url = n.callFrame.url;
    for (const [stage, re] of NODE_RULES) if (re.test(url)) return stage;
    if (url.includes('/dist/')) {
      for (const [stage, re] of WARD_RULES) if (re.test(url)) return stage;
      return 'other';
    }
  }
  if (node.callFrame.functionName === '(garbage collector)') return 'gc';
  return 'other';
}

/** The newest .cpuprofile in `dir`. */
export function readProfile(dir) {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .pop();
  if (!file) throw new Error(`no CPU profile in ${dir}`);
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

/**
 * Each window's busy samples by stage, as shares of the window's busy samples (idle and the
 * profiler's own `(program)` left out): Map<window name, Map<stage, share>>.
 */
export function stageShares(profile, windows) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const stageOf = new Map();
  const out = new Map(windows.map((w) => [w.name, new Map(STAGES.map((s) => [s, 0]))]));
  const busy = new Map(windows.map((w) => [w.name, 0]));
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const window = windows.find((w) => t >= w.fromUs && t < w.toUs);
    if (!window) continue;
    const node = nodes.get(profile.samples[i]);
    const name = node.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') continue;
    let stage = stageOf.get(node.id);
    if (!stage) {
      stage = stageOfStack(node, parentOf, nodes);
      stageOf.set(node.id, stage);
    }
    const counts = out.get(window.name);
    counts.set(stage, counts.get(stage) + 1);
    busy.set(window.name, busy.get(window.name) + 1);
  }
  for (const [name, counts] of out) {
    const total = busy.get(name) || 1;
    for (const [s, c] of counts) counts.set(s, c / total);
  }
  return out;
}

/** Now, on the clock the profile's timestamps use (µs). */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
