/**
 * A real browser for console tests: Debian's chromium through playwright-core, headless, in a
 * fresh profile that `close()` removes. `problems` collects what a user would never see but a test
 * must: uncaught page errors and Content-Security-Policy refusals. `expectNoAxeViolations` runs
 * axe-core's WCAG 2 A and AA rules on the page as it stands; `signIn` goes through the sign-in form.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

export async function openBrowser(
  baseURL: string,
  opts: { acceptDownloads?: boolean } = {},
): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'ward-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL,
    acceptDownloads: opts.acceptDownloads ?? false,
    // No fades (the console respects the preference): axe never judges colours half-way through
    // a drawer's transition, however slowly a loaded machine runs it.
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: Promise<string> | undefined;

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core's WCAG 2 A and AA rules on the page and fails with each violation's rule and the
 * elements it found (their selectors and axe's summary), so a contrast regression names its element.
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  // Evaluated, not added as a <script>: Ward's Content-Security-Policy (script-src 'self') refuses
  // inline scripts, and page.evaluate runs beside it.
  if (!(await page.evaluate('typeof window.axe === "object"'))) {
    axeSource ??= readFile(AXE, 'utf8');
    await page.evaluate(`${await axeSource}\n;void 0`);
  }
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(o: object): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const r = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  if (violations.length === 0) return;
  const lines = violations.flatMap((v) => [
    `${v.id} (${v.help}) on ${new URL(page.url()).pathname}:`,
    ...v.nodes.map((n) => `  ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`),
  ]);
  throw new Error(`axe found ${violations.length} WCAG 2 A/AA violation(s):\n${lines.join('\n')}`);
}

/**
 * Signs in through the console's form as `email` with the tests' password, and waits for the
 * Organizations page (what a person without a second factor sees first).
 */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();
}
