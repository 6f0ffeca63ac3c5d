// The ADF alert email's body (issue 14) is valid against the ADF 1.0 DTD, checked by libxml2's
// own DTD validation (xmllint, compiled to WebAssembly: xmllint-wasm). The DTD is a copy of
// shared/data/adf-1.0.dtd in test/fixtures. Leads with and without a phone, without any contact
// data, with characters XML must escape or cannot hold, and with a missing vehicle all validate;
// a broken document is refused (the check can fail).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DtdValidator, XmlDocument, XmlDtd, XmlValidateError } from "libxml2-wasm";
import { adfXml, type AdfInput } from "../../worker/alerts/channels/adf";
import { alertContent } from "../../worker/alerts/channels/content";
import type { AlertPayload } from "../../worker/alerts/sign";

const DTD = readFileSync(join(__dirname, "..", "fixtures", "adf-1.0.dtd"), "utf8");

function validate(xml: string): { valid: boolean; errors: string[] } {
  const doc = XmlDocument.fromString(xml);
  const validator = new DtdValidator(XmlDtd.fromString(DTD));
  try {
    validator.validate(doc);
    return { valid: true, errors: [] };
  } catch (e) {
    if (!(e instanceof XmlValidateError)) throw e;
    return { valid: false, errors: e.details.map((d) => d.message.trim()) };
  } finally {
    validator.dispose();
    doc.dispose();
  }
}

function payload(lead: Partial<AlertPayload["lead"]>, extra: Partial<AlertPayload> = {}): AlertPayload {
  return {
    id: "al_test1",
    site: "site_1",
    model: "dealer",
    trigger: "test-drive",
    lead: { id: "ld_1", email: "sam@example.com", name: "Sam Buyer", phone: "+1 555 0199", score: 55, tier: "hot", code: 55, identity: "claimed", ...lead },
    events: [],
    ts: Date.UTC(2026, 11, 2, 13, 5),
    why: [
      { rule: "directions", points: 20, hits: 1 },
      { rule: "car-form", points: 10, hits: 1 },
    ],
    ...extra,
  };
}

const input = (p: AlertPayload, vehicle: AdfInput["vehicle"] = { year: "2026", make: "Aurora", model: "Aurora SUV" }): AdfInput => ({
  alertId: p.id,
  content: alertContent(p, "https://edgescore.example"),
  vehicle,
  interest: "test-drive",
  vendor: { name: "Riga Motors", email: "sales@dealer.example" },
});

describe("ADF 1.0 alert email body", () => {
  it("is valid against the DTD for a complete lead", async () => {
    const xml = adfXml(input(payload({})));
    expect(await validate(xml)).toEqual({ valid: true, errors: [] });
    expect(xml).toContain('<vehicle interest="test-drive" status="new"><year>2026</year><make>Aurora</make><model>Aurora SUV</model></vehicle>');
    expect(xml).toContain("<comments>EdgeScore alert test-drive: hot, 55 points (model dealer). Why: directions +20, car-form +10. Contact data entered in the browser, not verified. Lead: https://edgescore.example/dashboard/leads/ld_1?model=dealer</comments>");
  });

  it("is valid with only a phone, with no contact data at all, and without a vehicle", async () => {
    for (const xml of [
      adfXml(input(payload({ email: null }))),
      adfXml(input(payload({ email: null, phone: null, name: null }))),
      adfXml(input(payload({}), null)),
    ])
      expect(await validate(xml), xml).toEqual({ valid: true, errors: [] });
  });

  it("the check fails for a document the DTD refuses (a vehicle without a model, a customer without contact)", async () => {
    const good = adfXml(input(payload({})));
    const broken = good.replace(/<model>.*?<\/model>/, "").replace(/<contact><name part="full">Sam Buyer<\/name>.*?<\/contact>/, "");
    const r = await validate(broken);
    expect(r.valid).toBe(false);
    expect(r.errors.join("\n")).toMatch(/vehicle|customer/);
  });

  it("stays valid for any name, phone, email and vehicle text a browser could send (escaping, control characters)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40, unit: "binary" }), fc.option(fc.string({ maxLength: 20 })), fc.option(fc.string({ maxLength: 30 })), fc.string({ maxLength: 20, unit: "binary" }), async (name, phone, email, model) => {
        const xml = adfXml(input(payload({ name: name || null, phone, email }), { year: null, make: "<&>\"'", model }));
        const r = await validate(xml);
        expect(r, xml).toEqual({ valid: true, errors: [] });
      }),
      { numRuns: 40 },
    );
  });
});
