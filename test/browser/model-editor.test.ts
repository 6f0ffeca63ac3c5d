// The visual model editor (issue 15) in real Chromium against `wrangler dev`: a site with
// some traffic and no model; a model is built only with the visual editor (no JSON typed:
// a tier, a category, a rule whose path is picked from the paths the site has seen), the
// live preview shows the mover, the saved model scores the lead as the rules say; a rule
// is added with the keyboard alone; templates; the JSON tab's errors say line and column.
// Screenshots go to /tmp/editor-<step>.png.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haveChromium, launch, UA } from "../support/browser";
import { type Dev, startDev } from "../support/dev-server";
import { adminApi, editorDocument, type LeadRow, saveModel } from "../support/model-editor";

const run = haveChromium();
let dev: Dev;
let browser: Browser & { cleanup(): Promise<void> };
let ctx: BrowserContext;
let page: Page;
const cspErrors: string[] = [];
const pageErrors: string[] = [];
const api = (method: string, path: string, body?: unknown) => adminApi(dev.worker, dev.keys.secretKey)(method, path, body);

let n = 0;
const ev = (type: string, extra: Record<string, unknown> = {}) => ({ id: `me-${Date.now()}-${n++}`, type, ts: Date.now() - 60_000, url: "https://app.example/", ...extra });
const view = (path: string) => ev("page_view", { url: `https://app.example${path}` });

const shot = (name: string) => page.screenshot({ path: `/tmp/editor-${name}.png`, fullPage: true });
const documentNow = () => editorDocument(page);
const focused = () => page.evaluate(() => document.activeElement?.id ?? "");

describe.skipIf(!run)("visual model editor in Chromium", () => {
  beforeAll(async () => {
    dev = await startDev();
    await api("POST", "/events", { email: "ann@example.com", traits: { name: "Ann Pricing", company_size: "mid" }, events: [view("/pricing"), view("/pricing"), view("/about")] });
    await api("POST", "/events", { email: "bob@example.com", traits: { name: "Bob Chat" }, events: [view("/about"), ev("chat")] });
    browser = await launch();
    ctx = await browser.newContext({ userAgent: UA, viewport: { width: 1400, height: 1000 } });
    page = await ctx.newPage();
    page.on("console", (m) => /Content Security Policy|Refused to/i.test(m.text()) && cspErrors.push(m.text()));
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.goto(dev.worker + "/dashboard/login");
    await page.getByLabel("Site secret key").fill(dev.keys.secretKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/dashboard\/$/);
    // wrangler dev's start is slow on a busy machine (the shared hook timeout is 120 s).
  }, 400_000);
  afterAll(async () => {
    await browser?.cleanup();
    await dev?.stop();
  });

  it("the models page says a model is needed and offers the templates", async () => {
    await page.goto(dev.worker + "/dashboard/models");
    expect(await page.getByRole("heading", { name: "A scoring model is needed" }).count()).toBe(1);
    for (const name of ["B2B SaaS", "B2C shop", "Car dealer"]) expect(await page.getByRole("link", { name }).count(), name).toBe(1);
    await page.getByRole("link", { name: "Car dealer" }).click();
    await page.waitForURL(/\/dashboard\/models\/dealer\?template=dealer/);
    expect(await page.getByRole("tab", { name: "Visual editor" }).getAttribute("aria-selected")).toBe("true");
    expect(await page.locator("#ve-rules legend", { hasText: "Rule directions" }).count()).toBe(1);
    expect(await page.locator("#r3-path").inputValue()).toBe("/directions*");
    const doc = await documentNow();
    expect((doc.triggers as { id: string }[])[0]!.id).toBe("test-drive");
    await shot("template");
  });

  it("builds a model with the visual editor only, previews the mover live, saves, and the lead scores as the rules say", async () => {
    await page.goto(dev.worker + "/dashboard/models/main");
    expect(await page.locator("#panel-json").isHidden()).toBe(true);
    // Start from nothing: remove the starter's rules, its second tier and its categories.
    for (const id of ["pricing", "trial", "big-company"]) await page.getByRole("button", { name: `Remove rule ${id}` }).click();
    await page.getByRole("button", { name: "Remove tier hot" }).click();
    await page.locator("#t0-name").fill("ready");
    await page.locator("#t0-name").press("Tab");
    await page.locator("#t0-min").fill("10");
    expect(await page.locator("#t0-meaning").textContent()).toBe("Score 10 and above: ready (below 10: cold)");
    await page.getByRole("button", { name: "Remove category fit" }).click();
    await page.getByRole("button", { name: "Remove category interest" }).click();
    // A category.
    await page.getByRole("button", { name: "Add a category" }).click();
    expect(await focused()).toBe("c0-name");
    await page.locator("#c0-name").fill("intent");
    await page.locator("#c0-name").press("Tab");
    await page.locator("#c0-max").fill("40");
    // A rule: a page view of a path picked from the paths this site has seen.
    await page.getByRole("button", { name: "Add a rule" }).click();
    const pick = page.getByLabel("Seen paths");
    const offered = await pick.locator("option").allTextContents();
    expect(offered).toEqual(["Seen paths…", "/about (2)", "/pricing (2)"]);
    await pick.selectOption({ label: "/pricing (2)" });
    expect(await page.locator("#r0-path").inputValue()).toBe("/pricing");
    await page.locator("#r0-points").fill("25");
    await page.locator("#r0-cat").selectOption("intent");
    await page.locator("#r0-per").selectOption("lead");
    expect(await page.locator("#r0-times").inputValue()).toBe("1");
    await page.locator("#r0-id").fill("pricing-page");
    expect(await page.locator("#r0-sum").textContent()).toBe("When a page view of path /pricing → +25 to intent, at most 1× per lead.");

    const expected = {
      tiers: { ready: 10 },
      categories: { intent: { kind: "interest", max: 40 } },
      rules: [{ id: "pricing-page", points: 25, when: { event: "page_view", path: "/pricing" }, category: "intent", limit: { times: 1, per: "lead" } }],
    };
    expect(await documentNow()).toEqual(expected);
    // The live preview (no button pressed): Ann moves up to ready, announced politely.
    // (The starter's own preview on load also moved Ann up, to hot: wait for this model's.)
    const mover = page.locator("#preview-slot tbody tr", { hasText: "Ann Pricing" });
    await expect.poll(() => mover.textContent(), { timeout: 10_000 }).toMatch(/ready\s*25/);
    expect(await page.locator("#preview-slot [data-summary]").textContent()).toMatch(/^\s*1 lead moves up, 0 down, 1 stay/);
    expect(await page.locator("#preview-slot").textContent()).not.toContain("Bob Chat");
    expect(await page.locator("#preview-status").textContent()).toMatch(/^Preview: 1 lead moves up/);
    // Beside the editor, not below it, and in view while the editor scrolls (sticky).
    const [formBox, sideBox] = [await page.locator("#model-form").boundingBox(), await page.locator("aside.ed-side").boundingBox()];
    expect(sideBox!.x).toBeGreaterThan(formBox!.x + formBox!.width - 1);
    expect(sideBox!.y).toBeGreaterThanOrEqual(0);
    expect(sideBox!.y).toBeLessThan(1000);
    await shot("built");

    // The Advanced tab shows the same document; coming back loses nothing.
    await page.getByRole("tab", { name: "Advanced (JSON)" }).click();
    expect(await page.locator("#panel-visual").isHidden()).toBe(true);
    expect(JSON.parse(await page.getByLabel("Model document (JSON)").inputValue())).toEqual(expected);
    await page.getByRole("tab", { name: "Visual editor" }).click();
    expect(await documentNow()).toEqual(expected);
    expect(await page.locator("#r0-path").inputValue()).toBe("/pricing");

    await saveModel(page);
    const list = (await api("GET", "/leads?model=main")) as { leads: LeadRow[] };
    const by = Object.fromEntries(list.leads.map((l) => [l.email ?? l.id, l]));
    // Two pricing views, at most once per lead: 25, not 50 (and not the 40 maximum).
    expect(by["ann@example.com"]).toMatchObject({ score: 25, tier: "ready" });
    expect(by["bob@example.com"]).toMatchObject({ score: 0, tier: "cold" });
  });

  it("adds a rule with the keyboard alone", async () => {
    await page.goto(dev.worker + "/dashboard/models/main");
    await page.locator("#ve-add-rule").focus();
    await page.keyboard.press("Enter");
    expect(await focused()).toBe("r1-kind");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("r1-type");
    // Type-ahead on the event type: "Chat". The list re-renders and focus stays on the field.
    await page.keyboard.press("c");
    await expect.poll(() => page.locator("#r1-type").inputValue()).toBe("chat");
    expect(await focused()).toBe("r1-type");
    await page.keyboard.press("Tab"); // the path (a chat has no name)
    expect(await focused()).toBe("r1-path");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("r1-path-pick");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("r1-points");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("5");
    // Enter in a field does not submit the form (Save is its first button).
    await page.keyboard.press("Enter");
    expect(new URL(page.url()).search).toBe("");
    const doc = await documentNow();
    expect((doc.rules as unknown[])[1]).toEqual({ id: "rule", points: 5, when: { event: "chat" }, category: "intent" });
    expect(await page.locator("#r1-sum").textContent()).toBe("When a chat → +5 to intent.");
    // Bob's chat is worth 5 now: still cold, so nobody moves (the saved model is the baseline).
    await expect.poll(() => page.locator("#preview-slot [data-summary]").textContent(), { timeout: 10_000 }).toMatch(/0 leads move up, 0 down, 2 stay/);
    // The tabs follow the ARIA pattern: arrow keys move between them.
    await page.locator("#tab-visual").focus();
    await page.keyboard.press("ArrowRight");
    expect(await focused()).toBe("tab-json");
    expect(await page.locator("#panel-json").isVisible()).toBe(true);
    await shot("keyboard");
  });

  it("the Advanced tab locates broken JSON by line and column and keeps the visual editor closed until it parses", async () => {
    await page.goto(dev.worker + "/dashboard/models/main");
    await page.getByRole("tab", { name: "Advanced (JSON)" }).click();
    const doc = page.getByLabel("Model document (JSON)");
    await doc.fill('{\n  "tiers": {"warm": 15,,\n}');
    await page.getByRole("tab", { name: "Visual editor" }).click();
    await expect.poll(() => page.locator("#json-error").textContent()).toMatch(/line 2, column 24/);
    expect(await page.locator("#panel-visual").isHidden()).toBe(true);
    // The live preview asks the server, which says the same.
    await expect.poll(() => page.locator("#preview-slot").textContent(), { timeout: 10_000 }).toMatch(/not valid JSON: .*\(line 2, column 24\)/);
    await doc.fill('{"rules": [{"id": "a", "points": 1}]}');
    await page.getByRole("tab", { name: "Visual editor" }).click();
    expect(await page.locator("#panel-visual").isVisible()).toBe(true);
    // A rule without a condition: its one problem, listed once.
    await expect.poll(() => page.locator("#preview-slot li").allTextContents(), { timeout: 10_000 }).toEqual(["rules.0.when: required"]);
    await shot("json-error");

    // What the visual editor does not show is kept: a trigger's channel fields, a combined
    // condition, leadType. Editing the trigger's id visually changes that key only.
    const rich = {
      tiers: { warm: 15, hot: 30 },
      rules: [{ id: "c-level", points: 10, when: { any: [{ trait: "role", eq: "ceo" }, { trait: "role", eq: "cfo" }] } }],
      leadType: { trait: "company_size", codes: { small: 1, large: 3 } },
      triggers: [{ id: "hot-lead", when: { tier: "hot" }, channel: "slack", slack: { url: "https://hooks.slack.com/services/T/B/X" } }],
    };
    await page.getByRole("tab", { name: "Advanced (JSON)" }).click();
    await doc.fill(JSON.stringify(rich, null, 2));
    await page.getByRole("tab", { name: "Visual editor" }).click();
    expect(await page.locator("#ve-rules").textContent()).toContain('"any":[');
    expect(await page.locator("#ve-triggers").textContent()).toContain("Also set (kept as is; see the Advanced tab): channel, slack");
    await page.getByLabel("Trigger id").fill("hot-to-slack");
    expect(await documentNow()).toEqual({ ...rich, triggers: [{ ...rich.triggers[0], id: "hot-to-slack" }] });
    expect(cspErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
