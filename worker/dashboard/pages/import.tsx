// The Import page (issue 13): upload a CRM export (CSV or NDJSON), map its
// columns with a preview of the first rows, watch the progress, read the result.
// The page's script (import-script.ts, an external script of its own, loaded
// only here: the CSP allows nothing inline) reads the first 64 KiB for the preview,
// sends the file in parts of ≤ 9 MiB to /dashboard/import/upload, which streams
// each to POST /v1/admin/import in-process, and sums the answers. Without the
// script the page explains the CLI instead.
import { IMPORT_JS_PATH } from "../assets";
import { Layout, Msg } from "../layout";

export const UPLOAD_PATH = "/dashboard/import/upload";

export function ImportPage(p: { site: { name: string }; csrf: string }) {
  return (
    <Layout title="Import" nav="import" site={p.site} csrf={p.csrf}>
      <h1>Import your history</h1>
      <p class="mut">
        Leads, their events and outcomes from a CRM export or a spreadsheet: CSV with a header row, or NDJSON (one lead per line). Importing the same file
        again changes nothing. Every imported lead is scored under every model.
      </p>
      <form class="card" id="import-form" data-upload={UPLOAD_PATH} data-csrf={p.csrf} hidden>
        <label for="import-file">File (.csv, .ndjson, .jsonl; any size: it is sent in parts)</label>
        <input id="import-file" name="file" type="file" accept=".csv,.ndjson,.jsonl,.json,text/csv" required />
        <div id="import-preview" class="scroll" aria-live="polite"></div>
        <label for="import-map">Column mapping (CSV; JSON, filled from the choices above)</label>
        <textarea id="import-map" name="map" rows={4} spellcheck={false}></textarea>
        <p class="small mut">
          Roles: <code>email</code>, <code>external_id</code> (the CRM id), <code>visitor</code>, <code>traits</code> (column → number, string or boolean),{" "}
          <code>outcome</code> (yes/no, true/false, 1/0), <code>convertedAt</code>, <code>value</code>. Other columns are ignored.
        </p>
        <div class="row">
          <button type="submit" id="import-go">
            Import
          </button>
          <progress id="import-progress" max={1} value={0} hidden></progress>
          <span id="import-status" class="small" role="status" aria-live="polite"></span>
        </div>
      </form>
      <div id="import-result" aria-live="polite"></div>
      <noscript>
        <Msg kind="info">This page needs JavaScript to read the file. Without it, use the CLI (README "Import your history").</Msg>
      </noscript>
      <h2>From the command line</h2>
      <pre class="card">npm run import -- leads.csv --site SITE_ID --key sk_… --map @mapping.json</pre>
      <script src={IMPORT_JS_PATH} defer></script>
    </Layout>
  );
}
