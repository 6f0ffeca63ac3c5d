/**
 * Path-glob matching under adversarial globs and paths (finding 3 of issue 11): the old matcher
 * (each `*` compiled to a backtracking `.*` regex, reimplemented below as it was) against the
 * current one (worker/scoring/glob.ts: split on stars, leftmost segment search, no regex).
 *
 * Prints µs per match, max and p99 over all samples, per matcher. The old matcher is only run
 * on short paths (it takes seconds from about 40 characters on, and minutes at 80): its growth
 * with path length is printed for the finding's glob. The new one runs on paths up to the
 * matcher's cap (2,048 characters).
 * Run: npx tsx scripts/bench-glob.ts
 */
import { compileGlob, MAX_PATH_LENGTH, normalizePath } from "../worker/scoring/glob";

/** The matcher before the fix, verbatim in behaviour: `*` → `.*`, `?` → `.`, anchored. */
function compileOld(glob: string): (path: string) => boolean {
  const g = normalizePath(glob);
  if (!/[*?]/.test(g)) return (path) => path === g;
  const star = g.indexOf("*");
  if (star === g.length - 1 && !g.includes("?")) {
    const prefix = g.slice(0, -1);
    return (path) => path.startsWith(prefix);
  }
  let src = "^";
  for (let i = 0; i < g.length; i++) {
    const ch = g[i] as string;
    if (ch === "*") {
      while (g[i + 1] === "*") i++;
      src += ".*";
    } else if (ch === "?") src += ".";
    else src += ch.replace(/[.+^${}()|[\]\\/]/g, "\\$&");
  }
  const re = new RegExp(src + "$", "s");
  return (path) => re.test(path);
}

const FINDING = "/*a*a*a*a*a*a*a*ab";
const GLOBS: { glob: string; oldOk: boolean }[] = [
  { glob: FINDING, oldOk: true },
  { glob: "/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", oldOk: false }, // 16 stars: the old one never finishes
  { glob: "/" + "*a".repeat(255), oldOk: false }, // the longest glob a model may hold (512 chars)
  { glob: "/*?a?a?a?a?a?a*b", oldOk: true },
  { glob: "/*" + "a?".repeat(100) + "b*", oldOk: true }, // one long `?` segment, a candidate at every position
  { glob: "/*" + "?".repeat(300) + "*b", oldOk: true },
  { glob: "/*" + "a".repeat(60) + "b*", oldOk: true }, // a long literal that almost matches everywhere
  { glob: "/*/*/*/*/*/*/*/*x", oldOk: true },
  { glob: "/directions*", oldOk: true },
  { glob: "/blog/*/comments*", oldOk: true },
  { glob: "/p?ge", oldOk: true },
];

const pathsOf = (n: number) => [
  "/" + "a".repeat(n - 1),
  "/" + "ab".repeat(n).slice(0, n - 1),
  "/" + "a/".repeat(n).slice(0, n - 1),
  "/" + "a".repeat(n - 2) + "b",
];

/** Per-match µs samples of `fn` over `paths`: each sample times enough calls to be measurable. */
function samples(fn: (p: string) => boolean, paths: string[], count: number): number[] {
  const out: number[] = [];
  for (const p of paths) {
    let reps = 1;
    for (;;) {
      const t = performance.now();
      for (let i = 0; i < reps; i++) fn(p);
      const ms = performance.now() - t;
      if (ms >= 0.2 || reps >= 1 << 16) break;
      reps *= 4;
    }
    for (let s = 0; s < count; s++) {
      const t = performance.now();
      for (let i = 0; i < reps; i++) fn(p);
      out.push(((performance.now() - t) * 1000) / reps);
    }
  }
  return out;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { max: s[s.length - 1]!, p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!, n: s.length };
};
const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(2)} µs`);

console.log("Old matcher (regex), growth with path length for", FINDING);
for (const n of [20, 24, 28, 32]) {
  const path = "/" + "a".repeat(n - 1);
  const t = performance.now();
  compileOld(FINDING)(path);
  console.log(`  ${String(n).padStart(3)} chars: ${fmt((performance.now() - t) * 1000)}`);
}

const oldAll: number[] = [];
const oldPaths = pathsOf(30);
for (const { glob, oldOk } of GLOBS) if (oldOk) oldAll.push(...samples(compileOld(glob), oldPaths, 3));
const o = stats(oldAll);
console.log(`Old matcher, 30-char paths, ${GLOBS.filter((g) => g.oldOk).length} globs (16+ star globs skipped): max ${fmt(o.max)}, p99 ${fmt(o.p99)} per match (${o.n} samples)`);

// Warm-up, so the figures are the optimised code's and not the first calls' (the JIT tiers
// up each branch separately: a branch first taken late costs ~10 µs per call for a while).
for (let r = 0; r < 3; r++) for (const n of [30, 80, 512, MAX_PATH_LENGTH]) for (const { glob } of GLOBS) samples(compileGlob(glob), pathsOf(n), 3);

for (const n of [30, 80, 512, MAX_PATH_LENGTH]) {
  const all: number[] = [];
  let worst = { us: 0, glob: "" };
  for (const { glob } of GLOBS) {
    const xs = samples(compileGlob(glob), pathsOf(n), 20);
    all.push(...xs);
    const m = Math.max(...xs);
    if (m > worst.us) worst = { us: m, glob };
  }
  const s = stats(all);
  console.log(`New matcher, ${String(n).padStart(4)}-char paths, ${GLOBS.length} globs: max ${fmt(s.max)}, p99 ${fmt(s.p99)} per match (${s.n} samples; worst glob ${worst.glob.length > 40 ? worst.glob.slice(0, 40) + "…" : worst.glob})`);
}
