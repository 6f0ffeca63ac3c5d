// zod/mini instead of zod: the same checks for ~6 KB instead of ~93 KB gzip in
// the Worker (cold starts). The English messages are configured once here.
// Import zod itself as `import * as z from "zod/mini"` in each module: a
// re-exported namespace object would defeat tree-shaking (all locales, JSON
// schema code) and triple the Worker's size.
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

z.config(en());

const RESERVED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * A bounded string, made well-formed: a lone surrogate (a client that cut a
 * string inside an emoji, or garbage) becomes U+FFFD instead of costing the
 * whole batch, and nothing malformed reaches storage.
 */
export const text = (max: number, min = 0) =>
  z.pipe(
    z.string().check(z.minLength(min), z.maxLength(max)),
    z.transform((s: string) => (s.isWellFormed() ? s : s.toWellFormed())),
  );

/** Object keys that could pollute prototypes when merged are refused outright. */
export const safeKey = (max: number) =>
  z.string().check(
    z.minLength(1),
    z.maxLength(max),
    z.refine((k) => !RESERVED_KEYS.has(k), "is a reserved key name"),
    z.refine((k) => k.isWellFormed(), "must be well-formed UTF-16"),
  );
