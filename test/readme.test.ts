/**
 * The README as a script: every line of its ```sh blocks, read from README.md itself (split by
 * support/shell-lines.ts), run in order against a real Ward by the people the README names (the
 * operator, Alice, Bob, each in a session of their own), each command expected to exit 0 (or as
 * EXITS says). A renamed option, a wrong order or a missing step in the README fails here, naming
 * the README line.
 *
 * What the README leaves to the reader is filled in from what the earlier commands printed or
 * from real state, in the explicit tables below: placeholders (PLACEHOLDERS), services that do
 * not exist here (STAND_INS, served locally), terminal prompts (ADDED_ARGS), files the reader
 * brings (BROUGHT_FILES), waits for time to pass (WAITS), commands that fail on purpose (EXITS)
 * and the lines that are not `ward` commands (NOT_WARD). Who runs a line: whoever signed in last on an unmarked `ward login` line
 * (the reader), or the person its comment starts with (`# operator`, `# Bob`).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from './support/access.js';
import { type Run, runWard } from './support/cli.js';
import { runClient } from './support/gateway.js';
import { INCIDENT_FILES, INCIDENT_PLACEHOLDERS } from './support/readme-incidents.js';
import { type Command, expand, type Line, shellLines, VAR } from './support/shell-lines.js';
import { makeTestCerts } from './support/tls.js';
import { eventually, startTestWard, type TestWard } from './support/ward.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const OPERATOR = 'admin@localhost';
/** hipaa_deletion_grace of the test's Ward (the README's default is 7d): long enough for `undelete`. */
const GRACE = '3s';

/** What the walk has learned so far: who is who, what they were told, what ran. */
interface Walk {
  who: string;
  reader: string | undefined;
  passwords: Map<string, string>;
  firstNames: Map<string, string>;
  totpSecrets: Map<string, string>;
  printed: { who: string; args: string[]; stdout: string; at: number }[];
}

/** The latest output (of anyone) that matches `re`; its first group. */
function printed(walk: Walk, re: RegExp, what: string): string {
  for (const p of [...walk.printed].reverse()) {
    const m = re.exec(p.stdout);
    if (m?.[1]) return m[1];
  }
  throw new Error(`no earlier command printed ${what}`);
}

function secretOf(walk: Walk): string {
  const secret = walk.totpSecrets.get(walk.who);
  if (!secret) throw new Error(`${walk.who} has not run \`ward mfa enroll\``);
  return secret;
}

let w: TestWard;
let work: string;
let standIn: Server;
let standInUrl: string;
let sinkUrl: string;
let sinkCaFile: string;
let sinkServer: Server;
const alerts: string[] = [];
const sinkPosts: string[] = [];
const restoreCwd = process.cwd();

/** Placeholders in the README and where the value comes from. */
const PLACEHOLDERS: {
  text: string;
  why: string;
  value: (walk: Walk, argv: string[]) => Promise<string> | string;
}[] = [
  {
    text: '<hash>',
    why: 'the SHA-256 that `ward org hipaa enable acme` printed with the BAA',
    value: (walk) => printed(walk, /^SHA-256 ([0-9a-f]{64})$/m, 'a BAA hash'),
  },
  {
    text: '123456',
    why: 'the code an authenticator app shows now for the secret `ward mfa enroll` printed',
    value: (walk) => totpAt(secretOf(walk)),
  },
  {
    text: '654321',
    why: "the app's next code: the current step was spent by `mfa confirm`, and Ward accepts one step of drift",
    value: (walk) => totpAt(secretOf(walk), 1),
  },
  {
    text: 'brk_…',
    why: 'the id `ward break-glass request` printed',
    value: (walk) => printed(walk, /Break-glass (brk_[a-z2-7]+)/, 'a break-glass id'),
  },
  {
    text: 'evt_…',
    why: 'the oldest event `ward audit list` printed (newest first; the oldest is long covered by a signed checkpoint)',
    value: (walk) => printed(walk, /(evt_[a-z2-7]+)(?![\s\S]*evt_)/, 'an event id'),
  },
  {
    text: '<prj_… or crt_…>',
    why: 'the certificate id `ward certificate list` printed',
    value: (walk) => printed(walk, /│ (crt_[a-z2-7]+)/, 'a certificate id'),
  },
  {
    text: '20261122-101500F',
    why: 'the backup label `ward backup create` printed',
    value: (walk) => printed(walk, /^Backup (\d{8}-\d{6}F) of/m, 'a backup label'),
  },
  {
    text: '2026-11-22T10:15:00Z',
    why: 'a whole second after that backup ended, with nothing committed since (an idle source)',
    value: async (walk) => {
      const backup = [...walk.printed].reverse().find((p) => /^Backup \S+ of/m.test(p.stdout));
      if (!backup) throw new Error('no backup was taken before the restore');
      await new Promise((r) => setTimeout(r, Math.max(0, backup.at + 1000 - Date.now())));
      const moment = Math.floor(Date.now() / 1000) * 1000;
      return new Date(moment).toISOString().replace('.000Z', 'Z');
    },
  },
  {
    text: '2027-12-01',
    why: "a review date a year from today (the attested document's next review)",
    value: () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10),
  },
  {
    text: '2027-01-15',
    why: 'the first day a subprocessor change may take effect: 30 days of notice (subprocessor_notice_days), and one more',
    value: () => new Date(Date.now() + 31 * 86_400_000).toISOString().slice(0, 10),
  },
  ...INCIDENT_PLACEHOLDERS((walk, re, what) => printed(walk as Walk, re, what)),
  {
    text: 'op_…',
    why: 'the latest operation (the restore drill), from the control database',
    value: async () =>
      (
        await w.ward.services.db
          .selectFrom('operations')
          .select('id')
          .orderBy('created_at', 'desc')
          .limit(1)
          .executeTakeFirstOrThrow()
      ).id,
  },
];

/** Services the README names that cannot exist here, and what stands in for them. */
const STAND_INS: { text: string; why: string; value: (walk: Walk) => string }[] = [
  {
    text: 'https://idp.acme.org',
    why: 'no identity provider here: a local server answers OpenID Connect discovery as the issuer',
    value: () => standInUrl,
  },
  {
    text: 'https://alerts.acme.org/ward',
    why: 'a local receiver for the security alerts (plain HTTP is allowed to loopback)',
    value: () => `${standInUrl}/alerts`,
  },
  {
    text: 'https://siem.example/ward',
    why: 'a local HTTPS receiver for the audit sink, its certificate from a throwaway CA (see ADDED_ARGS)',
    value: () => sinkUrl,
  },
  {
    text: '127.0.0.1:6432',
    why: "the test's gateway listens on a port of its own, which `ward db credentials` printed",
    value: (walk) => `127.0.0.1:${printed(walk, /^port\s+(\d+)$/m, 'the gateway port')}`,
  },
];

/** Environment variables the README uses, as the test's Ward has them. */
const env = (): Record<string, string> => ({ WARD_HOME: w.home });

/** Arguments the test adds to a README command, and why. */
const ADDED_ARGS: {
  command: string;
  why: string;
  args: (walk: Walk, argv: string[]) => { args: string[]; stdin?: string };
}[] = [
  {
    command: 'login',
    why: 'it asks for the password on a terminal, and the test has none: the same password on standard input',
    args: (walk, argv) => {
      const email = argv[argv.indexOf('--email') + 1] as string;
      const password = email === OPERATOR ? w.adminPassword : walk.passwords.get(email);
      if (!password) throw new Error(`no password known for ${email}`);
      return { args: ['--password-stdin'], stdin: `${password}\n` };
    },
  },
  {
    command: 'audit sink add',
    why: "the stand-in receiver's certificate is from a throwaway CA, which the sink is told to trust",
    args: () => ({ args: ['--ca', sinkCaFile] }),
  },
];

/** Files the README reads that its reader brings. */
const BROUGHT_FILES: Record<string, { why: string; content: string }> = {
  'client-secret': {
    why: 'the client secret the identity provider issued',
    content: 'a-client-secret-0123456789\n',
  },
  ...INCIDENT_FILES,
  'roster.csv': {
    why: "the org's patient roster: each patient's identifier and State",
    content: 'identifier,state\nMRN-00042,MA\nMRN-00043,NH\n',
  },
  'risk-analysis.pdf': {
    why: "the org's risk analysis, which only its people can write",
    content: '%PDF-1.4 the risk analysis of Acme Health, reviewed by the board\n',
  },
};

/** Commands the README shows failing on purpose, and the exit code they must give. */
const EXITS: { command: string; why: string; code: number }[] = [
  {
    command: 'compliance status',
    why: 'the org still has required controls failing (no risk analysis yet, …): status exits 1 for scripts and CI',
    code: 1,
  },
];

/** Time the README lets pass before a command, and how the test waits for it. */
const WAITS: { command: string; why: string; until: () => Promise<boolean | undefined> }[] = [
  {
    command: 'certificate list',
    why: `the deleted HIPAA project is destroyed once the grace period is over (${GRACE} in this Ward)`,
    until: async () =>
      (await w.ward.services.db.selectFrom('destruction_certificates').select('id').executeTakeFirst())
        ? true
        : undefined,
  },
];

/** Lines that are not `npx ward …`, and what the test does with them. */
const NOT_WARD: Record<string, { why: string; run?: (walk: Walk, argv: string[]) => Promise<Run> }> = {
  'npm start': { why: 'the test starts Ward itself (the same server, on its own ports and $WARD_HOME)' },
  'npm test': { why: 'this test is one of the tests it runs' },
  psql: {
    why: 'run for real against the gateway: the password is the one `ward db credentials` printed, the SQL comes on standard input',
    run: async (walk, argv) => {
      const password = printed(walk, /^password\s+(\S+)$/m, 'a database password');
      const r = await runClient(
        argv[0] as string,
        argv.slice(1),
        { PGPASSWORD: password },
        { stdin: 'SELECT current_user, 6 * 7 AS answer;\n' },
      );
      return { code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
  },
};

const configDirs = new Map<string, string>();
const configDirOf = (email: string) => {
  const dir = configDirs.get(email) ?? join(work, `.config-${email}`);
  configDirs.set(email, dir);
  return dir;
};

/** The README's words with variables, placeholders and stand-ins filled in, in one pass. */
async function substitute(walk: Walk, argv: string[]): Promise<string[]> {
  const quote = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const texts = [...PLACEHOLDERS, ...STAND_INS].map((p) => quote(p.text));
  const pattern = new RegExp(`(${VAR}\\w+${VAR}|${texts.join('|')})`);
  const out: string[] = [];
  for (const arg of argv) {
    let filled = '';
    for (const [i, piece] of arg.split(pattern).entries()) {
      const placeholder = PLACEHOLDERS.find((p) => p.text === piece);
      const standIn = STAND_INS.find((s) => s.text === piece);
      if (i % 2 === 0) filled += piece;
      else if (placeholder) filled += await placeholder.value(walk, argv);
      else if (standIn) filled += standIn.value(walk);
      else filled += expand(piece, env());
    }
    out.push(filled);
  }
  return out;
}

/** The person a line's comment starts with (`# operator…`, `# Bob…`), if any. */
function markedPerson(walk: Walk, line: Line): string | undefined {
  const first = /^(\w+)/.exec(line.comment)?.[1]?.toLowerCase();
  return first === 'operator' ? OPERATOR : first ? walk.firstNames.get(first) : undefined;
}

/** Who runs a command: the marked person, else the one signing in, else the reader. */
function personOf(walk: Walk, line: Line, argv: string[]): string {
  const marked = markedPerson(walk, line);
  if (marked) return marked;
  if (argv[0] !== 'npx') return walk.reader ?? 'whoever runs the shell';
  if (argv[2] === 'login') return argv[argv.indexOf('--email') + 1] as string;
  if (!walk.reader) throw new Error(`README:${line.no}: nobody has signed in yet`);
  return walk.reader;
}

async function runCommand(walk: Walk, line: Line, cmd: Command): Promise<Run> {
  const argv = await substitute(walk, cmd.argv);
  const stdinFromFile = cmd.stdinFile ? await readFile(join(work, cmd.stdinFile), 'utf8') : undefined;
  let r: Run;
  if (argv[0] === 'npx' && argv[1] === 'ward') {
    const args = argv.slice(2);
    let stdin = stdinFromFile;
    const is = (command: string) => `${args.join(' ')} `.startsWith(`${command} `);
    for (const wait of WAITS) if (is(wait.command)) await eventually(wait.until, 30_000, 200);
    for (const added of ADDED_ARGS) {
      if (!is(added.command)) continue;
      const extra = added.args(walk, args);
      args.push(...extra.args);
      stdin = extra.stdin ?? stdin;
    }
    r = await runWard(args, { url: w.url, configDir: configDirOf(walk.who) }, stdin ? { stdin } : {});
    walk.printed.push({ who: walk.who, args, stdout: r.stdout, at: Date.now() });
    learn(walk, line, args, r);
  } else {
    const other = NOT_WARD[argv.slice(0, 2).join(' ')] ?? NOT_WARD[argv[0] as string];
    if (!other) throw new Error(`README:${line.no}: '${argv[0]}' is neither \`npx ward\` nor in NOT_WARD`);
    if (!other.run) return { code: 0, stdout: '', stderr: '' };
    r = await other.run(walk, argv);
    walk.printed.push({ who: walk.who, args: argv, stdout: r.stdout, at: Date.now() });
  }
  if (cmd.stdoutFile && r.code === 0) await writeFile(join(work, cmd.stdoutFile), r.stdout);
  return r;
}

/** What a person learns from an answer: a generated password, a TOTP secret, a new session. */
function learn(walk: Walk, line: Line, args: string[], r: Run): void {
  if (r.code !== 0) return;
  if (args[0] === 'user' && args[1] === 'create') {
    const email = args[args.indexOf('--email') + 1] as string;
    const name = args[args.indexOf('--name') + 1] as string;
    const password = /^Initial password, shown once[^:]*: (\S+)$/m.exec(r.stdout)?.[1];
    if (password) walk.passwords.set(email, password);
    walk.firstNames.set((name.split(' ')[0] as string).toLowerCase(), email);
  }
  if (args[0] === 'mfa' && args[1] === 'enroll') {
    const secret = /type the secret (\S+)/.exec(r.stdout)?.[1];
    if (secret) walk.totpSecrets.set(walk.who, secret);
  }
  // An unmarked sign-in makes its person the reader, who runs the unmarked lines after it.
  if (args[0] === 'login' && !markedPerson(walk, line)) walk.reader = walk.who;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve(body));
  });
}

beforeAll(async () => {
  w = await startTestWard({ hipaa_deletion_grace: GRACE as unknown as number });
  work = await mkdtemp(join(tmpdir(), 'ward-readme-'));
  for (const [name, f] of Object.entries(BROUGHT_FILES)) await writeFile(join(work, name), f.content);
  standIn = createHttpServer(async (req, res) => {
    const body = await readBody(req);
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          issuer: standInUrl,
          authorization_endpoint: `${standInUrl}/authorize`,
          token_endpoint: `${standInUrl}/token`,
          jwks_uri: `${standInUrl}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
      return;
    }
    if (req.url === '/alerts') alerts.push(body);
    res.statusCode = req.url === '/alerts' ? 204 : 404;
    res.end();
  });
  await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', r));
  standInUrl = `http://127.0.0.1:${(standIn.address() as { port: number }).port}`;
  const certs = makeTestCerts();
  sinkCaFile = certs.caFile;
  const sink = createHttpsServer({ cert: certs.certPem, key: certs.keyPem }, async (req, res) => {
    sinkPosts.push(await readBody(req));
    res.statusCode = 204;
    res.end();
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkUrl = `https://127.0.0.1:${(sink.address() as { port: number }).port}/ward`;
  sinkServer = sink;
  // Relative paths in the README (baa.pdf, acme.jsonl, ward.pem…) land in the reader's directory.
  process.chdir(work);
});

afterAll(async () => {
  process.chdir(restoreCwd);
  standIn?.close();
  sinkServer?.close();
  await w?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the README, walked as a script', () => {
  const walk: Walk = {
    who: OPERATOR,
    reader: undefined,
    passwords: new Map(),
    firstNames: new Map(),
    totpSecrets: new Map(),
    printed: [],
  };
  const lines = shellLines(README);
  let failed: string | undefined;

  it('has shell samples to walk', () => {
    expect(lines.length).toBeGreaterThan(50);
  });

  for (const line of lines) {
    it(`README:${line.no} ${line.text.trim()}`, async () => {
      if (failed) throw new Error(`not run: ${failed} failed before it`);
      for (const cmd of line.commands) {
        walk.who = personOf(walk, line, cmd.argv);
        const r = await runCommand(walk, line, cmd);
        const ward = cmd.argv[0] === 'npx' && cmd.argv[1] === 'ward' ? `${cmd.argv.slice(2).join(' ')} ` : '';
        const expected = EXITS.find((e) => ward.startsWith(`${e.command} `))?.code ?? 0;
        if (r.code !== expected) {
          failed = `README:${line.no}`;
          throw new Error(
            `README.md line ${line.no}, run as ${walk.who}, exited ${r.code}:\n  ${line.text.trim()}\n${r.stderr}${r.stdout}`,
          );
        }
      }
    });
  }

  it('reached what stands in for the outside: the alert, the audit sink, the database', async () => {
    expect(alerts.some((a) => a.includes('break'))).toBe(true);
    await eventually(async () => (sinkPosts.length > 0 ? true : undefined), 10_000, 100);
    const psql = walk.printed.find((p) => p.args[0] === 'psql');
    expect(psql?.stdout).toMatch(/\b42\b/);
  });

  it('restored at the first attempt, also to a moment after the idle source’s last commit', async () => {
    const restores = await w.ward.services.db
      .selectFrom('operations')
      .select(['attempts', 'status'])
      .where('kind', '=', 'restore')
      .execute();
    expect(restores).toEqual([
      { attempts: 1, status: 'succeeded' },
      { attempts: 1, status: 'succeeded' },
    ]);
  });
});
