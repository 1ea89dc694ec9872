/**
 * Headless Chromium for the report tests, driven by playwright-core with Debian's Chromium
 * (`apt-get install chromium`); nothing ever downloads a browser.
 *
 * Where Chromium is missing, a browser test is skipped with a message on a developer's
 * machine and FAILS when `CI` is set (CI installs Chromium, so a missing one is a broken CI
 * image, not a reason to pass silently).
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { TestContext } from 'vitest';

export const CHROMIUM_PATH = process.env.FUNDPLAN_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MISSING = `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (or set FUNDPLAN_CHROMIUM to its path)`;

/** Whether a browser test can run here; when not, whether that is a failure (CI) or a skip. */
export function browserStatus(): { readonly available: boolean; readonly required: boolean; readonly message: string } {
  const available = existsSync(CHROMIUM_PATH);
  const ci = process.env.CI;
  const required = ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
  return { available, required, message: available ? '' : required ? `${MISSING} — required when CI is set` : `${MISSING}; browser test skipped` };
}

/**
 * Call first in a browser test: returns normally when Chromium is there, throws (fails the
 * test) in CI when it is not, and otherwise skips the test with the message.
 */
export function requireBrowser(ctx: TestContext): void {
  const s = browserStatus();
  if (s.available) return;
  if (s.required) throw new Error(s.message);
  console.warn(s.message);
  ctx.skip(s.message);
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
