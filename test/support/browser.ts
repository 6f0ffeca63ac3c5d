// Real Chromium for the end-to-end tests (Debian's /usr/bin/chromium, driven by
// playwright-core). Headless Chromium under automation reports
// navigator.webdriver = true and a HeadlessChrome user agent, which the snippet
// treats as a bot: `launch()` hides both unless asked not to.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** False (with a loud warning) when Chromium is missing; throws instead under CI. */
export function haveChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: the browser tests cannot run (CI is set, so this fails).`);
  console.warn(`\n!!! ${CHROMIUM} is missing: SKIPPING the end-to-end browser tests !!!\n`);
  return false;
}

export async function launch(opts: { automation?: boolean } = {}): Promise<Browser & { cleanup(): Promise<void> }> {
  const args = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ];
  if (!opts.automation) args.push("--disable-blink-features=AutomationControlled");
  // launch() gives every browser a fresh temporary profile (user-data-dir) and removes it on close.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args, headless: true });
  return Object.assign(browser, { cleanup: () => browser.close() });
}
