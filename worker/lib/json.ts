// JSON from outside: parse errors with a line and column (the API's message, the dashboard's
// model editor), and one walk over the parsed value that bounds its nesting and refuses
// prototype-polluting keys. Nothing here recurses: a body is up to 512 KiB, so up to ~260,000
// levels of `[`, and a recursive walk overflows the stack long before that (a 5xx).

export type ParsedJson = { ok: true; value: unknown } | { ok: false; message: string; line: number; column: number };

/** JSON.parse, with a syntax error located (1-based line and column, in UTF-16 units). */
export function parseJson(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    const at = /at position (\d+)/.exec(raw);
    const offset = at ? Math.min(Number(at[1]), text.length) : syntaxErrorOffset(text);
    return { ok: false, message: cleanMessage(raw), ...lineColumn(text, offset) };
  }
}

/**
 * The engine's message without its position (given as line and column instead) and without
 * the excerpt of the input newer engines quote (`, "…" is not valid JSON`).
 */
function cleanMessage(raw: string): string {
  const m = raw
    .replace(/ at position \d+( \(line \d+ column \d+\))?/, "")
    .replace(/ in JSON$/, "")
    .replace(/, ".*" is not valid JSON$/s, "")
    .trim();
  return m === "" ? "Invalid JSON" : m.length > 120 ? m.slice(0, 120) + "…" : m;
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

const isWs = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const ESCAPES = new Set([34, 92, 47, 98, 102, 110, 114, 116]); // " \ / b f n r t

/**
 * Where JSON.parse stopped, for engines whose message does not say ("Unexpected token '}', …"):
 * a JSON syntax check, iterative (explicit stack) like everything here. Returns the offset of the
 * first character that cannot continue a JSON text (text.length when the text ends too early).
 */
export function syntaxErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  const stack: boolean[] = []; // true: inside an object
  const ws = () => {
    while (i < n && isWs(text.charCodeAt(i))) i++;
  };
  /** Moves past a string at i (which is a quote); false at the error. */
  const str = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        i++;
        if (i >= n) return false;
        const e = text.charCodeAt(i);
        if (e === 117) {
          for (let k = 1; k <= 4; k++) if (i + k >= n || !isHex(text.charCodeAt(i + k))) return ((i += k), false);
          i += 5;
        } else if (ESCAPES.has(e)) i++;
        else return false;
      } else i++;
    }
    return false;
  };
  const digits = (): boolean => {
    if (i >= n || !isDigit(text.charCodeAt(i))) return false;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    return true;
  };
  const num = (): boolean => {
    if (text.charCodeAt(i) === 45) i++; // -
    if (i < n && text.charCodeAt(i) === 48) i++;
    else if (!digits()) return false;
    if (i < n && text.charCodeAt(i) === 46 && (i++, !digits())) return false;
    const e = text.charCodeAt(i);
    if (i < n && (e === 101 || e === 69)) {
      i++;
      const s = text.charCodeAt(i);
      if (i < n && (s === 43 || s === 45)) i++;
      if (!digits()) return false;
    }
    return true;
  };
  const word = (w: string): boolean => {
    for (let k = 0; k < w.length; k++, i++) if (i >= n || text.charCodeAt(i) !== w.charCodeAt(k)) return false;
    return true;
  };

  let expect: "value" | "key" | "after" = "value";
  for (;;) {
    ws();
    if (expect === "value") {
      if (i >= n) return n;
      const c = text[i];
      if (c === "{" || c === "[") {
        i++;
        ws();
        if (text[i] === (c === "{" ? "}" : "]")) {
          i++;
          expect = "after";
        } else {
          stack.push(c === "{");
          expect = c === "{" ? "key" : "value";
        }
        continue;
      }
      const ok = c === '"' ? str() : c === "t" ? word("true") : c === "f" ? word("false") : c === "n" ? word("null") : c === "-" || isDigit(text.charCodeAt(i)) ? num() : false;
      if (!ok) return Math.min(i, n);
      expect = "after";
    } else if (expect === "key") {
      if (text[i] !== '"' || !str()) return Math.min(i, n);
      ws();
      if (text[i] !== ":") return Math.min(i, n);
      i++;
      expect = "value";
    } else {
      if (stack.length === 0) return i; // trailing characters (or none: no error found)
      const inObject = stack[stack.length - 1];
      const c = text[i];
      if (c === ",") {
        i++;
        expect = inObject ? "key" : "value";
      } else if (c === (inObject ? "}" : "]")) {
        i++;
        stack.pop();
      } else return Math.min(i, n);
    }
  }
}

/** Keys that could pollute prototypes when a value is merged into an object. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
export const MAX_JSON_DEPTH = 64;

export interface JsonProblem {
  path: string;
  message: string;
}

interface Frame {
  value: unknown;
  key: string | number;
  parent: Frame | null;
  /** Containers from the root down to this value, itself included when it is one. */
  depth: number;
}

/**
 * The first problem in document order: an array or object nested deeper than `maxDepth`
 * (the root is level 1), or a reserved key; null when there is none. Iterative, so any depth
 * costs no stack; it never descends below `maxDepth + 1`, so paths stay short.
 */
export function jsonProblem(root: unknown, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  const stack: Frame[] = [{ value: root, key: "", parent: null, depth: 0 }];
  for (let f = stack.pop(); f !== undefined; f = stack.pop()) {
    if (typeof f.key === "string" && f.parent !== null && RESERVED_KEYS.has(f.key)) return { path: pathOf(f), message: "is a reserved key name" };
    const v = f.value;
    if (v === null || typeof v !== "object") continue;
    const depth = f.depth + 1;
    if (depth > maxDepth) return { path: pathOf(f), message: `nests deeper than ${maxDepth} levels of arrays and objects` };
    // Children pushed last-first, so they are popped in document order. A scalar under an
    // ordinary key can hold no problem: it is not pushed (most of a beacon is scalars).
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const c: unknown = v[i];
        if (c !== null && typeof c === "object") stack.push({ value: c, key: i, parent: f, depth });
      }
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const c = (v as Record<string, unknown>)[k];
        if ((c !== null && typeof c === "object") || RESERVED_KEYS.has(k)) stack.push({ value: c, key: k, parent: f, depth });
      }
    }
  }
  return null;
}

const MAX_SEGMENT = 40;
const HEAD = 8;
const TAIL = 7;

/** The issue path (SPEC §3, `events.0.props.x`), shortened: long keys cut, a deep middle elided. */
function pathOf(f: Frame): string {
  const parts: string[] = [];
  for (let at: Frame | null = f; at !== null && at.parent !== null; at = at.parent) {
    const k = String(at.key);
    parts.push(k.length > MAX_SEGMENT ? k.slice(0, MAX_SEGMENT) + "…" : k);
  }
  parts.reverse();
  if (parts.length > HEAD + TAIL + 1) parts.splice(HEAD, parts.length - HEAD - TAIL, `…${parts.length - HEAD - TAIL} more…`);
  return parts.join(".");
}
