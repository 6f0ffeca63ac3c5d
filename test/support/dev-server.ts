// End-to-end support: builds the snippet, runs the real Worker with `wrangler dev`
// on a migrated local D1 in a temp dir (no network, no account), creates a site
// through the operator API, and serves test pages from a tiny Node server on a
// second port (a different origin, like a customer's site).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { type AddressInfo, createServer as netServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
// @ts-expect-error plain .mjs build script without types
import { buildSdk } from "../../scripts/build-sdk.mjs";
// @ts-expect-error plain .mjs build script without types
import { buildDashboardAssets } from "../../scripts/build-dashboard.mjs";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");
export const ADMIN = "test-admin";

export interface Keys {
  id: string;
  publicKey: string;
  secretKey: string;
  webhookSecret: string;
  /** Signs identify calls (HMAC-SHA256 of the normalized email), shown once at creation. */
  identitySecret: string;
}

export interface Dev {
  worker: string;
  pages: string;
  keys: Keys;
  /** Serves `html` at `path` on the pages server. */
  page(path: string, html: string): string;
  /** The snippet tag for this site (`file`: a build variant, default es.js). */
  tag(attrs?: string, file?: string): string;
  /** Rows from the local D1. */
  sql<T = Record<string, unknown>>(query: string): Promise<T[]>;
  stop(): Promise<void>;
}

export const freePort = (): Promise<number> =>
  new Promise((res, rej) => {
    const s = netServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => res(p));
    });
  });

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startDev(): Promise<Dev> {
  await buildSdk();
  // The model editor's script is a static asset too (public/assets/).
  await buildDashboardAssets();
  const tmp = mkdtempSync(join(tmpdir(), "es-e2e-"));
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "1", NO_COLOR: "1" };
  // Every shard of wrangler.toml is migrated; the test site lives on the first (sql() reads it).
  for (const shard of ["DB", "DB_1"]) await run("npx", ["wrangler", "d1", "migrations", "apply", shard, "--local", "--persist-to", tmp], { cwd: ROOT, env });
  const [wp, pp] = [await freePort(), await freePort()];
  const worker = `http://127.0.0.1:${wp}`;
  const pages = `http://127.0.0.1:${pp}`;
  const kill = await wranglerDev(
    ["--port", String(wp), "--ip", "127.0.0.1", "--persist-to", tmp, "--var", `ADMIN_TOKEN:${ADMIN}`],
    worker + "/es.js",
    env,
  );
  const res = await fetch(worker + "/v1/admin/sites", {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "e2e", origins: [pages], shard: 0 }),
  });
  if (!res.ok) {
    kill();
    throw new Error(`POST /v1/admin/sites: ${res.status} ${await res.text()}`);
  }
  const keys = (await res.json()) as Keys;
  const reader = await startSqlReader(tmp, env);
  const routes = new Map<string, string>();
  const server: Server = createServer((req, rs) => {
    const html = routes.get((req.url || "/").split("?")[0]!.split("#")[0]!);
    rs.writeHead(html == null ? 404 : 200, {
      "content-type": "text/html; charset=utf-8",
      // The snippet must work under a strict CSP that only allows its own origin.
      "content-security-policy": `default-src 'self'; script-src 'self' ${worker} 'sha256-${STUB_HASH}'; connect-src ${worker}; style-src 'self'`,
    });
    rs.end(html ?? "not found");
  });
  await new Promise<void>((r) => server.listen(pp, "127.0.0.1", r));
  return {
    worker,
    pages,
    keys,
    page(path, html) {
      routes.set(path.split(/[?#]/)[0]!, html);
      return pages + path;
    },
    tag(attrs = "", file = "es.js") {
      return `<script async src="${worker}/${file}" data-site="${keys.publicKey}" ${attrs}></script>`;
    },
    async sql(query) {
      // The dev server holds the same SQLite file: a busy database is retried.
      for (let i = 0; ; i++) {
        const r = await fetch(reader.url, { method: "POST", body: query });
        const body = (await r.json()) as unknown;
        if (r.ok) return body as never[];
        if (i >= 4) throw new Error(`sql reader: ${JSON.stringify(body)}`);
        await wait(300);
      }
    },
    async stop() {
      kill();
      reader.kill();
      await new Promise((r) => server.close(r));
      await wait(300);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * A second `wrangler dev` on the same local D1 (test/support/sql-reader/): `sql()` is then a
 * request, not a `wrangler d1 execute` process (~2 s of CPU each), which the tests' polling
 * called hundreds of times per file.
 */
async function startSqlReader(persistTo: string, env: NodeJS.ProcessEnv): Promise<{ url: string; kill(): void }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ["-c", "test/support/sql-reader/wrangler.toml", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistTo, "--inspector-port", String(await freePort())];
  return { url, kill: await wranglerDev(args, url, env) };
}

/** `wrangler dev ARGS` in its own process group; resolves with its kill once `ready` answers 2xx. */
async function wranglerDev(args: string[], ready: string, env: NodeJS.ProcessEnv): Promise<() => void> {
  let log = "";
  const child: ChildProcess = spawn("npx", ["wrangler", "dev", ...args, "--show-interactive-dev-session=false"], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const kill = () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {}
  };
  for (let i = 0; ; i++) {
    if (child.exitCode != null) throw new Error("wrangler dev exited:\n" + log);
    try {
      if ((await fetch(ready)).ok) return kill;
    } catch {}
    if (i > 300) {
      kill();
      throw new Error("wrangler dev did not start:\n" + log);
    }
    await wait(200);
  }
}

/** The pre-load stub from SPEC §2, allowed by hash in the pages' CSP. */
export const STUB = "window.edgescore=window.edgescore||function(){(edgescore.q=edgescore.q||[]).push(arguments)}";
import { createHash } from "node:crypto";
const STUB_HASH = createHash("sha256").update(STUB).digest("base64");
