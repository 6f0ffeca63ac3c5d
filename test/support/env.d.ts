import type { D1Migration } from "cloudflare:test";
import type { Bindings } from "../../worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[];
      LOAD_EVENTS: string;
      LOAD_CONCURRENCY: string;
    }
    interface GlobalProps {
      mainModule: typeof import("../../worker/index");
    }
  }
}
