// ADF 1.0 (Auto-lead Data Format), the XML dealer CRMs (VinSolutions, DealerSocket, Elead…)
// import leads as, usually from an email's body. The element order and the required elements
// follow the DTD (shared/data/adf-1.0.dtd; test/node/adf-dtd.test.ts validates against it with
// libxml2): a prospect needs requestdate, a vehicle (year, make, model), a customer whose contact
// has a name and an email or a phone, and a vendor with a name and a contact.
import type { AdfInterest, VehicleTraits } from "../../scoring/channels";
import { type AlertContent, whyLine } from "./content";

export interface AdfInput {
  alertId: string;
  content: AlertContent;
  vehicle: Partial<Record<keyof VehicleTraits, string | null>> | null;
  interest: AdfInterest;
  /** The dealer: the site's name, reached at the trigger's first address. */
  vendor: { name: string; email: string };
}

// XML 1.0 has no place for most control characters; a lead's name comes from a browser.
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const xml = (s: string | null | undefined) =>
  (s ?? "").replace(INVALID_XML, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const el = (name: string, text: string | null | undefined, attrs = "") => `<${name}${attrs}>${xml(text)}</${name}>`;

/** "2026-12-02T13:05:00+00:00": ISO 8601 as ADF's examples write it. */
const adfDate = (ts: number) => new Date(ts).toISOString().replace(/\.\d{3}Z$/, "+00:00");

export function adfXml(a: AdfInput): string {
  const c = a.content;
  // A contact needs an email or a phone: a lead with neither gets an empty email element (valid,
  // and the CRM shows the comments with the link to the lead).
  const reach = c.email || !c.phone ? [el("email", c.email)] : [];
  if (c.phone) reach.push(el("phone", c.phone, ' type="voice"'));
  const comments = [
    `EdgeScore alert ${c.trigger}: ${c.tier}, ${c.score} points (model ${c.model}).`,
    `Why: ${whyLine(c)}.`,
    c.identity === "claimed" ? "Contact data entered in the browser, not verified." : null,
    c.link ? `Lead: ${c.link}` : null,
  ]
    .filter(Boolean)
    .join(" ");
  const v = a.vehicle ?? {};
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<?adf version="1.0"?>`,
    `<adf>`,
    `<prospect status="new">`,
    el("id", a.alertId, ' sequence="1" source="EdgeScore"'),
    el("requestdate", adfDate(c.ts)),
    `<vehicle interest="${a.interest}" status="new">${el("year", v.year)}${el("make", v.make)}${el("model", v.model)}</vehicle>`,
    `<customer>`,
    `<contact>${el("name", c.who, ' part="full"')}${reach.join("")}</contact>`,
    el("comments", comments),
    `</customer>`,
    `<vendor>${el("vendorname", a.vendor.name)}<contact>${el("name", a.vendor.name, ' part="full"')}${el("email", a.vendor.email)}</contact></vendor>`,
    `<provider>${el("name", "EdgeScore", ' part="full"')}${el("service", "Lead scoring")}</provider>`,
    `</prospect>`,
    `</adf>`,
    "",
  ].join("\n");
}
