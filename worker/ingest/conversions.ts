// Conversions from events (issue 15): a site names the events that are
// conversions (`conversionEvents` on the site, e.g. {"purchase": {"valueProp":
// "value"}}); each fresh event of such a type, or custom/form event of such a
// name, records a conversion of its lead in the same transaction as the event
// (the executor writes them with the same statements as POST /v1/admin/conversions).
// Pure: the planner calls it with the request's fresh events.
import type { StoredEvent } from "./normalize";

export type ConversionRules = Record<string, { valueProp?: string }>;

export interface ConversionWrite {
  value: number | null;
  ts: number;
}

const own = (o: ConversionRules, k: string | null) => (k !== null && Object.hasOwn(o, k) ? o[k] : undefined);

export function conversionsFrom(fresh: StoredEvent[], rules: ConversionRules | undefined): ConversionWrite[] {
  if (!rules) return [];
  const out: ConversionWrite[] = [];
  for (const e of fresh) {
    const rule = own(rules, e.type) ?? (e.type === "custom" || e.type === "form_submit" ? own(rules, e.name) : undefined);
    if (!rule) continue;
    const v = rule.valueProp ? e.props?.[rule.valueProp] : undefined;
    out.push({ value: typeof v === "number" && Number.isFinite(v) ? v : null, ts: e.ts });
  }
  return out;
}
