// zod/mini instead of zod: the same checks for ~6 KB instead of ~93 KB gzip in
// the Worker (cold starts). The English messages are configured once here.
// Import zod itself as `import * as z from "zod/mini"` in each module: a
// re-exported namespace object would defeat tree-shaking (all locales, JSON
// schema code) and triple the Worker's size.
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

z.config(en());

const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** A string that is well-formed UTF-16 (lone surrogates cannot be stored faithfully). */
export const text = (max: number, min = 0) =>
  z.string().check(
    z.minLength(min),
    z.maxLength(max),
    z.refine((s) => s.isWellFormed(), "must be well-formed UTF-16 (no lone surrogates)"),
  );

/** Object keys that could pollute prototypes when merged are refused outright. */
export const safeKey = (max: number) =>
  text(max, 1).check(z.refine((k) => !RESERVED_KEYS.has(k), "is a reserved key name"));
