// Shared by the browser tests that drive the visual model editor
// (test/browser/model-editor.test.ts, test/browser/onboarding.test.ts): the admin
// API as a site owner would call it, the document the editor holds, and Save with
// the rescoring it starts, so each test asserts scores only once they are final.
import type { Page } from "playwright-core";
import { expect } from "vitest";

/** The admin API (`/v1/admin…`) of the Worker at `worker`, with a site's secret key. */
export function adminApi(worker: string, secretKey: string) {
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(worker + "/v1/admin" + path, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<T>;
  };
}

/** The model document the editor would save (its hidden #doc field, kept in step by both tabs). */
export const editorDocument = async (page: Page) => JSON.parse(await page.locator("#doc").inputValue()) as Record<string, unknown>;

/** Save, then wait until the rescoring that the save starts reports done. */
export async function saveModel(page: Page) {
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL(/saved=1/);
  await expect.poll(() => page.locator("[data-progress-text]").textContent(), { timeout: 20_000 }).toContain("Rescoring done");
}

export interface LeadRow {
  id: string;
  email: string | null;
  score: number;
  tier: string;
}
