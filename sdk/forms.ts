// Forms marked `data-es-event`: which event they send and which fields go along.
// FormData gives what a submission would send (no unchecked boxes, buttons or
// disabled fields); of that, never hidden or password fields, card numbers,
// cc-* autocomplete fields or fields named like pass/card/cvc/cvv/iban/ssn.
// (Files serialize as {}.)
//
// Traits: a field marked `data-es-trait="company_size"`, or named in the form's
// `data-es-traits="company_size role"` (the field's name is the trait's), also
// sets that trait, through one identify with the email (fit rules read traits,
// not event props). The sensitive check runs first, so a password, hidden or
// card field never becomes a trait whatever it is marked.

import { keepList } from "./url";

export type Track = (type: string, props?: unknown, name?: string) => void;

/** `trial_signup` and `chat` are event types of their own; any other name is a `form_submit`. */
export const formType = (name: string): string => (/^(trial_signup|chat)$/.test(name) ? name : "form_submit");

/** True when a field's value must never leave the page. */
export const sensitive = (el: { type?: string; id?: string; autocomplete?: string }, name: string, v: unknown): boolean =>
  /^hid|pass|card|cv[cv]|iban|ssn|\bcc-/i.test([el.type, name, el.id, el.autocomplete] + "") || /^\s*\d([ -]?\d){12,18}\s*$/.test(v as string); // a card number: 13–19 digits, maybe spaced

/**
 * The form's non-sensitive fields as props; `id(traits)` once when the form
 * names an email (`email`) or traits.
 */
export const fields = (f: HTMLFormElement, id: (traits: Record<string, string>) => unknown): Record<string, unknown> => {
  const p: Record<string, any> = {};
  const t: Record<string, string> = {};
  const l = keepList(f.dataset.esTraits);
  new FormData(f).forEach((v, k) => {
    const el = (f as any)[k]; // a form's named elements are its properties (they shadow its own)
    if (v && !sensitive(el, k, v)) {
      p[k] = p[k] ? p[k] + "," + v : v;
      const n = (el.dataset || 0).esTrait || (l.includes(k) && k);
      if (n) t[n] = v as string;
      if (/mail/i.test(k + el.type) && /.@./.test(v as string)) t.email = (v as string).trim();
    }
  });
  for (const k in t) return id(t), p;
  return p;
};

/** The submit listener: an email field or trait fields identify the visitor (before the form's event). */
export const onSubmit =
  (tr: Track) =>
  (e: Event): void => {
    const f = e.target as HTMLFormElement;
    const n = f.dataset.esEvent;
    n != null && tr(formType(n), fields(f, (t) => tr("identify", t)), n || "form");
  };
