/** Shared by the scoring tests: a strict model parser and a compact event builder. */
import type { EventType, ScoreEvent } from "./events";
import { type Model, parseModel } from "./model";

export const T0 = Date.UTC(2025, 0, 6, 12, 0, 0); // a Monday, noon UTC
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export function model(doc: unknown): Model {
  const r = parseModel(doc, { allowHttpLocalhost: true });
  if (!r.ok) throw new Error("invalid test model: " + JSON.stringify(r.issues));
  return r.model;
}

let seq = 0;
export function ev(type: EventType, ts: number, extra: Partial<ScoreEvent> = {}): ScoreEvent {
  return { id: `e${++seq}`, type, ts, ...extra };
}
