// Trigger channels and the digest in the model document (issue 14): normalised form, the
// round trip parseModel(parseModel(x).model), and every refusal with its path.
import { describe, expect, it } from "vitest";
import { parseModel } from "./model";

const base = { rules: [{ id: "r", points: 10, when: { event: "page_view" } }] };
const withTriggers = (triggers: unknown[], extra: Record<string, unknown> = {}) => ({ ...base, triggers, ...extra });

describe("trigger channels", () => {
  it("normalises each channel and parses its own output again to the same model", () => {
    const doc = withTriggers(
      [
        { id: "w", when: { tier: "hot" }, webhook: "https://crm.example/hook" },
        { id: "e", when: { tier: "hot" }, channel: "email", to: ["sales@dealer.example"] },
        { id: "a", when: { tier: "hot" }, channel: "email", to: ["crm@dealer.example"], format: "adf", vehicle: { model: "car" }, interest: "test-drive" },
        { id: "s", when: { tier: "hot" }, channel: "slack", url: "https://hooks.slack.com/services/T/B/x" },
        { id: "d", when: { tier: "hot" }, channel: "discord", url: "https://discord.com/api/webhooks/1/x" },
      ],
      { digest: { to: ["owner@dealer.example"], hour: 8, timezone: "Europe/Riga" } },
    );
    const once = parseModel(doc);
    expect(once.ok).toBe(true);
    if (!once.ok) return;
    expect(once.model.triggers.map(({ when: _w, ...t }) => t)).toEqual([
      { id: "w", webhook: "https://crm.example/hook" },
      { id: "e", webhook: null, channel: "email", to: ["sales@dealer.example"], format: "text" },
      { id: "a", webhook: null, channel: "email", to: ["crm@dealer.example"], format: "adf", vehicle: { year: "vehicle_year", make: "vehicle_make", model: "car" }, interest: "test-drive" },
      { id: "s", webhook: null, channel: "slack", url: "https://hooks.slack.com/services/T/B/x" },
      { id: "d", webhook: null, channel: "discord", url: "https://discord.com/api/webhooks/1/x" },
    ]);
    expect(once.model.digest).toEqual({ to: ["owner@dealer.example"], hour: 8, timezone: "Europe/Riga" });
    const twice = parseModel(JSON.parse(JSON.stringify(once.model)));
    expect(twice).toEqual(once);
  });

  it("refuses unknown channels, missing and foreign fields, bad addresses and URLs, with paths", () => {
    const r = parseModel(
      withTriggers([
        { id: "a", when: { tier: "hot" }, channel: "pager" },
        { id: "b", when: { tier: "hot" }, channel: "slack" },
        { id: "c", when: { tier: "hot" }, channel: "teams", url: "http://teams.example/x" },
        { id: "d", when: { tier: "hot" }, channel: "email", to: ["nobody"], webhook: "https://x.example/" },
        { id: "e", when: { tier: "hot" }, channel: "email", to: [] },
        { id: "f", when: { tier: "hot" }, webhook: "https://x.example/", to: ["a@b.example"] },
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "triggers.0.channel" }),
        { path: "triggers.1.url", message: "required" },
        { path: "triggers.2.url", message: "webhook URL must use https" },
        { path: "triggers.3.to.0", message: "must be an email address" },
        { path: "triggers.3.webhook", message: "not a field of the email channel" },
        { path: "triggers.4.to", message: "must have at least 1 item" },
        { path: "triggers.5.to", message: "not a field of the webhook channel" },
      ]),
    );
  });
});
