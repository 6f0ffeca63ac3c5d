// Forms marked `data-es-event`: which event they send and which fields go along.
// FormData gives what a submission would send (no unchecked boxes, buttons or
// disabled fields); of that, never hidden or password fields, card numbers,
// cc-* autocomplete fields or fields named like pass/card/cvc/cvv/iban/ssn.
// (Files serialize as {}.)

/** `trial_signup` and `chat` are event types of their own; any other name is a `form_submit`. */
export const formType = (name: string): string => (/^(trial_signup|chat)$/.test(name) ? name : "form_submit");

/** True when a field's value must never leave the page. */
export const sensitive = (el: { type?: string; id?: string; autocomplete?: string }, name: string, v: unknown): boolean =>
  /^hid|pass|card|cv[cv]|iban|ssn|\bcc-/i.test([el.type, name, el.id, el.autocomplete] + "") || /^\s*\d([ -]?\d){12,18}\s*$/.test(v as string); // a card number: 13–19 digits, maybe spaced

/** The form's non-sensitive fields as props; `mail(address)` for each email field. */
export const fields = (f: HTMLFormElement, mail: (email: string) => unknown): Record<string, unknown> => {
  const p: Record<string, any> = {};
  new FormData(f).forEach((v, k) => {
    const el = (f as any)[k]; // a form's named elements are its properties (they shadow its own)
    if (v && !sensitive(el, k, v)) {
      p[k] = p[k] ? p[k] + "," + v : v;
      if (/mail/i.test(k + el.type) && /.@./.test(v as string)) mail((v as string).trim());
    }
  });
  return p;
};
