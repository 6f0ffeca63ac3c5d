// Issue 15, end to end in Chromium: a new owner creates a site in the dashboard
// (operator token), lands on the setup page, pastes the snippet into a page of
// their own, and watches "waiting for your first event" turn green by itself
// (the dashboard's asset script polls; no inline script under its CSP).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haveChromium, launch, UA } from "../support/browser";
import { ADMIN, type Dev, startDev } from "../support/dev-server";

const run = haveChromium();
let dev: Dev;
let browser: Browser & { cleanup(): Promise<void> };

describe.skipIf(!run)("onboarding in Chromium", () => {
  beforeAll(async () => {
    dev = await startDev();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.cleanup();
    await dev?.stop();
  });

  it("New site → setup → the snippet on the owner's page → the first-event check turns green", async () => {
    const ctx = await browser.newContext({ userAgent: UA });
    const owner = await ctx.newPage();
    const csp: string[] = [];
    owner.on("console", (m) => /Content Security Policy/i.test(m.text()) && csp.push(m.text()));
    await owner.goto(dev.worker + "/dashboard/sites/new");
    await owner.fill("#token", ADMIN);
    await owner.fill("#name", "Owner's shop");
    await owner.fill("#origins", dev.pages);
    await owner.click("button[type=submit]");
    await owner.waitForSelector("h1:has-text('is created')");
    const publicKey = (await owner.textContent("#key-3"))!;
    expect(publicKey).toMatch(/^pk_/);
    expect(await owner.textContent("#key-0")).toMatch(/^sk_site_/);

    await owner.click("text=Continue: set up");
    await owner.waitForURL(/\/dashboard\/setup$/);
    expect(await owner.inputValue("#origins")).toBe(dev.pages);
    expect(await owner.getAttribute("#first-event", "class")).toBe("firstev wait");
    expect(await owner.inputValue("#snippet")).toContain(`data-site="${publicKey}"`);

    // The owner's own page, with the snippet as the setup page shows it.
    const shop = await ctx.newPage();
    await shop.goto(dev.page("/owners-page", `<!doctype html><title>Mine</title><script async src="${dev.worker}/es.js" data-site="${publicKey}"></script><h1>Mine</h1>`));
    await owner.waitForSelector("#first-event.firstev.ok", { timeout: 60_000 });
    expect(await owner.textContent("#first-event")).toMatch(/first event arrived/);
    // Next: a starter model from a template.
    for (const t of ["saas", "shop", "dealer"]) expect(await owner.getAttribute(`a[href="/dashboard/models/new?template=${t}"]`, "href")).toBeTruthy();
    expect(csp).toEqual([]);
  }, 180_000);
});
