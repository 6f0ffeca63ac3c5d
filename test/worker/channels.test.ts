// Alert channels (issue 14) in workerd against the real receiver (test/support/webhook-receiver.ts)
// and Miniflare's real send_email binding: each chat service's exact message, the text and ADF
// emails' MIME, at-least-once delivery through a failing-then-healthy receiver, one send per
// alert on a healthy one, the channel in GET /v1/admin/alerts, and the trigger test button's route.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { EmailMessage } from "cloudflare:email";
import { deliverAlert, deliverDue } from "../../worker/alerts/deliver";
import { scheduled } from "../../worker/scheduled";
import { admin, call, createSite, rows, uid, type Keys } from "../support/api";

const RECEIVER = "http://localhost:8788";
const LINK_BASE = "https://edgescore.test/dashboard/leads/";

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}
interface AlertRow {
  id: string;
  status: string;
  attempts: number;
  channel: string | null;
  webhook: string | null;
  lead_id: string;
  next_attempt_at: number | null;
  claimed_until: number | null;
  payload: string;
}

const received = async (key: string): Promise<Received[]> => (await fetch(`${RECEIVER}/__received?key=${encodeURIComponent(key)}`)).json();

function model(trigger: Record<string, unknown>) {
  return {
    tiers: { warm: 15, hot: 30 },
    categories: { interest: { kind: "interest", max: 100 }, fit: { kind: "fit", max: 50 } },
    rules: [
      { id: "test-drive-form", category: "interest", points: 30, when: { event: "custom", name: "demo" } },
      { id: "directions", category: "interest", points: 20, when: { event: "custom", name: "directions" } },
      { id: "budget", category: "fit", points: 5, when: { trait: "budget", gte: 20000 } },
    ],
    triggers: [{ id: "test-drive", when: { tier: "hot" }, ...trigger }],
  };
}

async function siteWith(trigger: Record<string, unknown>): Promise<Keys> {
  const site = await createSite(["https://dealer.example"]);
  const res = await admin("/models/dealer", site.secretKey, { method: "PUT", body: model(trigger) });
  expect(res.status, await res.clone().text()).toBe(201);
  return site;
}

/** Sam becomes hot: 30 (form) + 20 (directions) + 5 (budget) = 55 points. */
const makeHot = (site: Keys) =>
  admin("/events", site.secretKey, {
    body: {
      email: "sam@example.com",
      traits: { name: "Sam Buyer", phone: "+1 555 0199", budget: 30000, car: "Aurora SUV", car_make: "Aurora", car_year: 2026 },
      events: ["demo", "directions"].map((name) => ({ id: uid(), type: "custom", name, ts: Date.now() })),
    },
  });

const alertsOf = (site: Keys) => rows<AlertRow>("SELECT * FROM alerts WHERE site_id = ? ORDER BY created_at", site.id);

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const WHY = "test-drive-form +30, directions +20, budget +5";

describe("chat channels: each service's own message, through the outbox", () => {
  it("Slack: a text fallback and Block Kit blocks", async () => {
    const key = uid("slack");
    const site = await siteWith({ channel: "slack", url: `${RECEIVER}/ok/${key}` });
    expect((await makeHot(site)).status).toBe(200);
    const [a] = await alertsOf(site);
    const [r] = await waitFor("the Slack message", async () => ((await received(key)).length ? received(key) : null));
    expect(JSON.parse(r!.body)).toEqual({
      text: "🔥 Sam Buyer is hot: 55 points — test-drive",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "🔥 Sam Buyer is hot: 55 points", emoji: true } },
        {
          type: "section",
          fields: [
            { type: "mrkdwn", text: "*Who*\nSam Buyer" },
            { type: "mrkdwn", text: "*Contact*\n+1 555 0199 · sam@example.com" },
            { type: "mrkdwn", text: `*Why*\n${WHY}` },
            { type: "mrkdwn", text: "*Trigger*\ntest-drive (dealer)" },
          ],
        },
        { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open the lead" }, url: `${LINK_BASE}${a!.lead_id}?model=dealer` }] },
        { type: "context", elements: [{ type: "mrkdwn", text: "EdgeScore · verified contact data" }] },
      ],
    });
    expect(r!.headers["content-type"]).toBe("application/json");
    expect(r!.headers["x-edgescore-delivery"]).toBe(a!.id);
    expect(JSON.parse(a!.channel!)).toEqual({ channel: "slack", url: `${RECEIVER}/ok/${key}` });
  });

  it("Teams: a message with one Adaptive Card", async () => {
    const key = uid("teams");
    const site = await siteWith({ channel: "teams", url: `${RECEIVER}/ok/${key}` });
    await makeHot(site);
    const [a] = await alertsOf(site);
    const [r] = await waitFor("the Teams message", async () => ((await received(key)).length ? received(key) : null));
    expect(JSON.parse(r!.body)).toEqual({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          contentUrl: null,
          content: {
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.4",
            body: [
              { type: "TextBlock", text: "🔥 Sam Buyer is hot: 55 points", weight: "Bolder", size: "Medium", wrap: true },
              {
                type: "FactSet",
                facts: [
                  { title: "Who", value: "Sam Buyer" },
                  { title: "Contact", value: "+1 555 0199 · sam@example.com" },
                  { title: "Why", value: WHY },
                  { title: "Trigger", value: "test-drive (dealer)" },
                ],
              },
            ],
            actions: [{ type: "Action.OpenUrl", title: "Open the lead", url: `${LINK_BASE}${a!.lead_id}?model=dealer` }],
          },
        },
      ],
    });
  });

  it("Google Chat: a text fallback and one cardsV2 card", async () => {
    const key = uid("gchat");
    const site = await siteWith({ channel: "google_chat", url: `${RECEIVER}/ok/${key}` });
    await makeHot(site);
    const [a] = await alertsOf(site);
    const [r] = await waitFor("the Google Chat message", async () => ((await received(key)).length ? received(key) : null));
    expect(JSON.parse(r!.body)).toEqual({
      text: "🔥 Sam Buyer is hot: 55 points — test-drive",
      cardsV2: [
        {
          cardId: a!.id,
          card: {
            header: { title: "🔥 Sam Buyer is hot: 55 points", subtitle: "EdgeScore · dealer" },
            sections: [
              {
                widgets: [
                  { decoratedText: { topLabel: "Who", text: "Sam Buyer" } },
                  { decoratedText: { topLabel: "Contact", text: "+1 555 0199 · sam@example.com" } },
                  { decoratedText: { topLabel: "Why", text: WHY } },
                  { decoratedText: { topLabel: "Trigger", text: "test-drive (dealer)" } },
                  { buttonList: { buttons: [{ text: "Open the lead", onClick: { openLink: { url: `${LINK_BASE}${a!.lead_id}?model=dealer` } } }] } },
                ],
              },
            ],
          },
        },
      ],
    });
  });

  it("Discord: one embed, and no mentions", async () => {
    const key = uid("discord");
    const site = await siteWith({ channel: "discord", url: `${RECEIVER}/ok/${key}` });
    await makeHot(site);
    const [a] = await alertsOf(site);
    const [r] = await waitFor("the Discord message", async () => ((await received(key)).length ? received(key) : null));
    const payload = JSON.parse(a!.payload) as { ts: number };
    expect(JSON.parse(r!.body)).toEqual({
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: "🔥 Sam Buyer is hot: 55 points",
          url: `${LINK_BASE}${a!.lead_id}?model=dealer`,
          color: 0xe8590c,
          fields: [
            { name: "Who", value: "Sam Buyer", inline: true },
            { name: "Contact", value: "+1 555 0199 · sam@example.com", inline: true },
            { name: "Why", value: WHY },
            { name: "Trigger", value: "test-drive (dealer)" },
          ],
          timestamp: new Date(payload.ts).toISOString(),
          footer: { text: "EdgeScore" },
        },
      ],
    });
  });

  it("at least once: a receiver failing twice gets the message on the third attempt, once; GET /v1/admin/alerts shows the channel", async () => {
    const key = uid("flaky");
    const site = await siteWith({ channel: "slack", url: `${RECEIVER}/fail-twice/${key}` });
    await makeHot(site);
    const [a1] = await alertsOf(site);
    expect(a1).toMatchObject({ status: "pending", attempts: 1 });
    await scheduled(env, () => a1!.next_attempt_at! + 1);
    const [a2] = await alertsOf(site);
    expect(a2).toMatchObject({ status: "pending", attempts: 2 });
    expect((await deliverDue(env, { now: () => a2!.next_attempt_at! })).results).toEqual({ delivered: 1 });
    // Healthy now: nothing is sent again, however often the cron runs.
    expect((await deliverDue(env, { now: () => a2!.next_attempt_at! + 86_400_000 })).attempted).toBe(0);
    const got = await received(key);
    expect(got.map((r) => r.headers["x-edgescore-delivery"])).toEqual([a1!.id, a1!.id, a1!.id]);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(got[0]!.body).blocks[0].type).toBe("header");
    const list = (await (await admin("/alerts", site.secretKey)).json()) as { alerts: Record<string, unknown>[] };
    expect(list.alerts[0]).toMatchObject({ id: a1!.id, channel: "slack", to: null, webhook: `${RECEIVER}/fail-twice/${key}`, status: "delivered", attempts: 3 });
  });

  it("refuses a chat URL the webhook policy refuses, at save (400 with the path)", async () => {
    const site = await createSite(["https://dealer.example"]);
    const res = await admin("/models/dealer", site.secretKey, {
      method: "PUT",
      body: model({ channel: "teams", url: "https://169.254.169.254/hook" }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { issues: { path: string; message: string }[] } };
    expect(body.error.issues).toContainEqual({ path: "triggers.0.url", message: "webhook URL points to a private or reserved IPv4 address" });
    const res2 = await admin("/models/dealer", site.secretKey, { method: "PUT", body: model({ channel: "email", url: "https://x.example/" }) });
    const issues = ((await res2.json()) as { error: { issues: { path: string; message: string }[] } }).error.issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: "triggers.0.url", message: "not a field of the email channel" },
        { path: "triggers.0.to", message: "required" },
      ]),
    );
  });
});

/** Records each raw message and hands it to the real send_email binding (which parses and checks it). */
function recordingEnv() {
  const sent: { from: string; to: string; raw: string }[] = [];
  const e = {
    ...env,
    sendEmail: async (from: string, to: string, raw: string) => {
      sent.push({ from, to, raw });
      await env.EMAIL!.send(new EmailMessage(from, to, raw));
    },
  };
  return { e, sent };
}

/** Headers of a raw MIME message (unfolded) and its base64 body decoded. */
function parseMime(raw: string) {
  const [head = "", body = ""] = raw.split(/\r?\n\r?\n/, 2).length === 2 ? [raw.slice(0, raw.search(/\r?\n\r?\n/)), raw.slice(raw.search(/\r?\n\r?\n/)).trim()] : [raw, ""];
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const bytes = Uint8Array.from(atob(body.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  return { headers, body: new TextDecoder().decode(bytes) };
}

const decodeWord = (s: string) => {
  const m = /^=\?utf-8\?B\?(.*)\?=$/i.exec(s);
  return m ? new TextDecoder().decode(Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0))) : s;
};

describe("email channel", () => {
  it("a text email through the real send_email binding: MIME headers and body", async () => {
    const site = await siteWith({ channel: "email", to: ["sales@dealer.example", "manager@dealer.example"], format: "text" });
    await makeHot(site);
    // The request's own attempt went through env.EMAIL (Miniflare parses the MIME, checks
    // Message-ID and From, and writes the message to a file): delivered.
    const [fired] = await alertsOf(site);
    expect(fired).toMatchObject({ status: "delivered", attempts: 1, webhook: null });
    expect(JSON.parse(fired!.channel!)).toEqual({ channel: "email", to: ["sales@dealer.example", "manager@dealer.example"], format: "text" });

    // The same alert again, recorded: back to pending and delivered once more.
    await env.DB.prepare("UPDATE alerts SET status = 'pending', next_attempt_at = 0 WHERE id = ?").bind(fired!.id).run();
    const { e, sent } = recordingEnv();
    expect(await deliverAlert(e, fired!.id)).toBe("delivered");
    expect(sent.map((m) => [m.from, m.to])).toEqual([
      ["alerts@edgescore.example", "sales@dealer.example"],
      ["alerts@edgescore.example", "manager@dealer.example"],
    ]);
    const { headers, body } = parseMime(sent[0]!.raw);
    expect(headers).toMatchObject({
      from: expect.stringMatching(/^=\?utf-8\?B\?[A-Za-z0-9+/=]+\?= <alerts@edgescore\.example>$/),
      to: "<sales@dealer.example>",
      "message-id": `<${fired!.id}.0@edgescore.example>`,
      "mime-version": "1.0",
      "auto-submitted": "auto-generated",
      "x-edgescore-delivery": fired!.id,
      "content-type": "text/plain; charset=UTF-8",
      "content-transfer-encoding": "base64",
    });
    expect(decodeWord(headers.from!.split(" <")[0]!)).toBe("EdgeScore alerts");
    expect(decodeWord(headers.subject!)).toBe("🔥 Sam Buyer is hot: 55 points — test-drive");
    expect(Date.parse(headers.date!)).not.toBeNaN();
    expect(parseMime(sent[1]!.raw).headers["message-id"]).toBe(`<${fired!.id}.1@edgescore.example>`);
    expect(body).toBe(
      [
        "Sam Buyer is hot: 55 points (test-drive, model dealer).",
        "",
        `Why: ${WHY}`,
        "Reach them: +1 555 0199 · sam@example.com",
        `Open the lead: ${LINK_BASE}${fired!.lead_id}?model=dealer`,
        "",
        "— EdgeScore",
        "",
      ].join("\n"),
    );
  });

  it("an ADF email: the XML lead in the body, vehicle from the traits the trigger names", async () => {
    const site = await siteWith({ channel: "email", to: ["crm@dealer.example"], format: "adf", interest: "test-drive", vehicle: { model: "car", make: "car_make", year: "car_year" } });
    await makeHot(site);
    const [fired] = await alertsOf(site);
    expect(fired).toMatchObject({ status: "delivered" });
    await env.DB.prepare("UPDATE alerts SET status = 'pending', next_attempt_at = 0 WHERE id = ?").bind(fired!.id).run();
    const { e, sent } = recordingEnv();
    expect(await deliverAlert(e, fired!.id)).toBe("delivered");
    const { body } = parseMime(sent[0]!.raw);
    const ts = (JSON.parse(fired!.payload) as { ts: number }).ts;
    expect(body).toBe(
      [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<?adf version="1.0"?>`,
        `<adf>`,
        `<prospect status="new">`,
        `<id sequence="1" source="EdgeScore">${fired!.id}</id>`,
        `<requestdate>${new Date(ts).toISOString().replace(/\.\d{3}Z$/, "+00:00")}</requestdate>`,
        `<vehicle interest="test-drive" status="new"><year>2026</year><make>Aurora</make><model>Aurora SUV</model></vehicle>`,
        `<customer>`,
        `<contact><name part="full">Sam Buyer</name><email>sam@example.com</email><phone type="voice">+1 555 0199</phone></contact>`,
        `<comments>EdgeScore alert test-drive: hot, 55 points (model dealer). Why: ${WHY}. Lead: ${LINK_BASE}${fired!.lead_id}?model=dealer</comments>`,
        `</customer>`,
        `<vendor><vendorname>Test shop</vendorname><contact><name part="full">Test shop</name><email>crm@dealer.example</email></contact></vendor>`,
        `<provider><name part="full">EdgeScore</name><service>Lead scoring</service></provider>`,
        `</prospect>`,
        `</adf>`,
        "",
      ].join("\n"),
    );
  });

  it("a refused email is retried with the backoff and shows a reason from the closed list", async () => {
    const site = await siteWith({ channel: "email", to: ["sales@dealer.example"], format: "text" });
    let calls = 0;
    const e = {
      ...env,
      sendEmail: async () => {
        calls++;
        if (calls === 1) throw new Error("destination address not verified: sales@dealer.example");
      },
    };
    await makeHot(site);
    const [a] = await alertsOf(site);
    // The request's own attempt went through the real binding; this one through the failing sender.
    await env.DB.prepare("UPDATE alerts SET status = 'pending', attempts = 0, next_attempt_at = 0 WHERE id = ?").bind(a!.id).run();
    expect(await deliverAlert(e, a!.id, { now: () => 1_000 })).toBe("retry");
    const view = (await (await admin(`/alerts/${a!.id}`, site.secretKey)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ channel: "email", to: ["sales@dealer.example"], status: "pending", lastError: "email not accepted", lastStatus: null });
    const [r] = await alertsOf(site);
    expect(await deliverAlert(e, a!.id, { now: () => r!.next_attempt_at! })).toBe("delivered");
    expect(calls).toBe(2);
  });
});

describe("the trigger test button", () => {
  const HOST = "https://edgescore.test";
  async function login(keys: Keys): Promise<string> {
    const res = await call("/dashboard/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: HOST },
      body: new URLSearchParams({ key: keys.secretKey }).toString(),
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    return res.headers.get("set-cookie")!.split(";")[0]!;
  }

  it("POST /v1/admin/models/:name/triggers/:id/test sends a sample through the channel and answers with the status only", async () => {
    const key = uid("test-ok");
    const site = await siteWith({ channel: "slack", url: `${RECEIVER}/ok/${key}` });
    const res = await admin("/models/dealer/triggers/test-drive/test", site.secretKey, { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ trigger: "test-drive", channel: "slack", delivered: true, status: 200, error: null });
    const [r] = await received(key);
    expect(JSON.parse(r!.body).blocks[0].text.text).toBe("🔥 Sam Buyer (test) is hot: 30 points");
    // A test is not an alert: nothing in the outbox.
    expect(await alertsOf(site)).toEqual([]);
  });

  it("reports a failing receiver, an email channel, an unknown trigger and a trigger with nowhere to send", async () => {
    const failing = await siteWith({ channel: "teams", url: `${RECEIVER}/always-fail/${uid("test-fail")}` });
    expect(await (await admin("/models/dealer/triggers/test-drive/test", failing.secretKey, { method: "POST" })).json()).toEqual({
      trigger: "test-drive",
      channel: "teams",
      delivered: false,
      status: 500,
      error: "HTTP 500",
    });
    const email = await siteWith({ channel: "email", to: ["sales@dealer.example"], format: "adf" });
    expect(await (await admin("/models/dealer/triggers/test-drive/test", email.secretKey, { method: "POST" })).json()).toEqual({
      trigger: "test-drive",
      channel: "email",
      delivered: true,
      status: null,
      error: null,
    });
    expect((await admin("/models/dealer/triggers/nope/test", email.secretKey, { method: "POST" })).status).toBe(404);
    expect((await admin("/models/missing/triggers/test-drive/test", email.secretKey, { method: "POST" })).status).toBe(404);
    const bad = await admin("/models/dealer/triggers/bad%20id/test", email.secretKey, { method: "POST" });
    expect(bad.status).toBe(400);
    const none = await siteWith({});
    const r = await admin("/models/dealer/triggers/test-drive/test", none.secretKey, { method: "POST" });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("no_destination");
  });

  it("the model editor shows a test button per trigger; pressing it shows the receiver's answer", async () => {
    const key = uid("test-dash");
    const site = await siteWith({ channel: "discord", url: `${RECEIVER}/ok/${key}` });
    const cookie = await login(site);
    const editor = await (await call("/dashboard/models/dealer", { headers: { cookie } })).text();
    expect(editor).toContain('action="/dashboard/models/dealer/triggers/test-drive/test"');
    expect(editor).toContain("Discord");
    const csrf = /name="_csrf" value="([A-Za-z0-9_-]+)"/.exec(editor)![1]!;
    const res = await call("/dashboard/models/dealer/triggers/test-drive/test", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: HOST, cookie },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
      redirect: "manual",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Delivered through Discord: the receiver answered HTTP 200.");
    expect(await received(key)).toHaveLength(1);
  });
});
