import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// Debian's Chromium drives the browser tests (no browser downloads). On CI a missing binary fails
// the run; on a laptop without it the browser suites skip with a visible note.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumPresent = existsSync(CHROMIUM);

if (!chromiumPresent && process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must run the browser tests`);
if (!chromiumPresent) console.warn(`\n⚠ ${CHROMIUM} not found: browser tests are SKIPPED (apt-get install chromium).\n`);

/** Headless, sandbox off (tests run as root), and no background traffic to Google's hosts. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
