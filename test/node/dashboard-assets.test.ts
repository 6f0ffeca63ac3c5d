// The editor page links worker/dashboard/editor-asset.ts's path, which is committed: it must
// name what the build makes of the current worker/dashboard/client/editor.js, or browsers
// would keep the old script under an immutable cache policy (or get a 404).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain .mjs build script without types
import { editorScript } from "../../scripts/build-dashboard.mjs";

const ROOT = join(import.meta.dirname, "../..");

describe("dashboard static assets", () => {
  it("editor-asset.ts names the content hash of the current editor script", async () => {
    const { code, path } = (await editorScript()) as { code: string; path: string };
    const mod = await readFile(join(ROOT, "worker/dashboard/editor-asset.ts"), "utf8");
    expect(mod).toContain(`export const EDITOR_JS_PATH = "${path}";`);
    expect(code).toContain("panel-visual");
    expect(code.length).toBeLessThan((await readFile(join(ROOT, "worker/dashboard/client/editor.js"), "utf8")).length);
  });
});
