// Shared helpers for the local scripts (start, seed, bench, demo traffic).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// Wrangler must never reach out (no account, no network): no metrics, no update checks.
// CLOUDFLARE_CF_FETCH_ENABLED=false: no attempt to download the `Request.cf` sample (it would fail offline, loudly).
export const wranglerEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CLOUDFLARE_ACCOUNT_ID: process.env.CLOUDFLARE_ACCOUNT_ID ?? "",
  NO_UPDATE_NOTIFIER: "1",
};
const bin = join(root, "node_modules", ".bin", "wrangler");

/** Runs wrangler to completion; throws with its output on failure. */
export function wrangler(args, { quiet = true } = {}) {
  const r = spawnSync(bin, args, { cwd: root, env: wranglerEnv, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  if (!quiet) process.stdout.write(r.stdout);
  return r.stdout;
}

/** The D1 bindings of a wrangler config: DB (shard 0 and the directory), then DB_1 … */
export function shardBindings(config = join(root, "wrangler.toml")) {
  const toml = readFileSync(config, "utf8").split(/\n\[env\./)[0];
  return [...toml.matchAll(/^binding\s*=\s*"(DB(?:_\d+)?)"/gm)].map((m) => m[1]);
}

/** Applies the migrations to every shard's local database. */
export function migrateLocal(persistTo, config) {
  const out = [];
  for (const b of shardBindings(config ? resolve(root, config) : undefined))
    out.push(wrangler(["d1", "migrations", "apply", b, "--local", ...(persistTo ? ["--persist-to", persistTo] : []), ...(config ? ["--config", config] : [])]));
  return out.join("");
}

/** Runs SQL on the local directory database, from a private temp file: it may hold secrets, which a command line would show in `ps`. */
export function sqlLocal(sql, persistTo) {
  const dir = mkdtempSync(join(tmpdir(), "es-sql-"));
  const file = join(dir, "seed.sql");
  writeFileSync(file, sql, { mode: 0o600 });
  try {
    return wrangler(["d1", "execute", "DB", "--local", "--file", file, ...(persistTo ? ["--persist-to", persistTo] : [])]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts `wrangler dev`; resolves once it answers HTTP. */
export async function startDev({ port = 8787, persistTo, vars = {}, stdio = "inherit", config, health = "/v1/health", onLine, extraArgs = [] } = {}) {
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--test-scheduled", "--show-interactive-dev-session=false", ...extraArgs];
  if (config) args.push("--config", config);
  if (persistTo) args.push("--persist-to", persistTo);
  for (const [k, v] of Object.entries({ ENVIRONMENT: "dev", ...vars })) args.push("--var", `${k}:${v}`);
  // onLine: wrangler's output is shown as usual and also handed over line by line (npm start
  // picks up the files local send_email writes, see scripts/start.mjs).
  const out = onLine ? "pipe" : stdio;
  const child = spawn(bin, args, { cwd: root, env: wranglerEnv, stdio: ["ignore", out, out], detached: false });
  if (onLine)
    for (const [stream, sink] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      let rest = "";
      stream.on("data", (chunk) => {
        sink.write(chunk);
        const lines = (rest + chunk.toString("utf8")).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) onLine(line);
      });
    }
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${base}${health}`);
      if (r.status < 500) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill();
      throw new Error("wrangler dev did not start within 60 s");
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, base, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once("exit", r), child.kill("SIGTERM")))) };
}
