import type { Child } from "hono/jsx";
import type { Issue } from "../../http/errors";
import { qs } from "../api";
import { Csrf, fmtNum, Layout, leadLabel, Msg, TierBadge, When } from "../layout";
import type { Preview } from "../preview";
import type { ModelDetail } from "../types";
import { TriggerTests } from "./trigger-test";
import type { ModelInfo } from "../../models/models";
import { TEMPLATE_NAMES, TEMPLATES } from "../../models/templates";
import type { Vocabulary } from "../../models/vocabulary";
import { EDITOR_JS_PATH } from "../editor-asset";

export function ModelsPage(p: { site: { name: string }; csrf: string; models: ModelInfo[]; error?: string | null }) {
  return (
    <Layout title="Models" nav="models" site={p.site} csrf={p.csrf}>
      <h1>Scoring models</h1>
      {p.error ? <Msg kind="err">{p.error}</Msg> : null}
      {p.models.length === 0 ? (
        <section class="msg info" aria-labelledby="h-need">
          <h2 id="h-need">A scoring model is needed</h2>
          <p>
            Leads are recorded, but nothing is scored (no tiers, alerts or promo codes) until the site has a model. The first model you create is the site's primary
            one (its tier drives the hints on your pages). Start from a template and adjust it in the visual editor:
          </p>
          <Templates />
        </section>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" class="num">
                  Version
                </th>
                <th scope="col">Updated</th>
                <th scope="col">Rescoring</th>
              </tr>
            </thead>
            <tbody>
              {p.models.map((m) => (
                <tr>
                  <th scope="row">
                    <a href={`/dashboard/models/${encodeURIComponent(m.name)}`}>{m.name}</a>
                    {m.primary ? <span class="mut small"> (primary)</span> : null}
                  </th>
                  <td class="num">{m.version}</td>
                  <td>
                    <When ms={m.updatedAt} />
                  </td>
                  <td>{m.rescore.status === "done" ? "done" : `${m.rescore.done} of ${m.rescore.total} leads`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="card" method="get" action="/dashboard/models/open">
        <h2>Create or open a model</h2>
        <div class="row">
          <div>
            <label for="m-name">Model name</label>
            <input id="m-name" name="name" required pattern="[A-Za-z0-9_.\-]{1,64}" maxlength={64} aria-describedby="m-name-help" />
          </div>
          <button type="submit">Open the editor</button>
        </div>
        <p id="m-name-help" class="mut small">
          1–64 letters, digits, <code>_ . -</code>, e.g. <code>dealer</code> or <code>b2c-promos</code>.
        </p>
        {p.models.length ? (
          <details>
            <summary>Or start from a template</summary>
            <Templates />
          </details>
        ) : null}
      </form>
    </Layout>
  );
}

/** Links that open the editor prefilled with a starter model (not saved until Save). */
export function Templates(p: { name?: string }) {
  return (
    <ul class="templates">
      {TEMPLATE_NAMES.map((t) => (
        <li>
          <a href={editorUrl(p.name ?? t, { template: t })}>{TEMPLATES[t].title}</a>
          <span class="mut small"> — {TEMPLATES[t].summary}</span>
        </li>
      ))}
    </ul>
  );
}

export const STARTER = {
  tiers: { warm: 15, hot: 30 },
  categories: {
    fit: { kind: "fit", max: 50 },
    interest: { kind: "interest", max: 50, decay: { halfLifeDays: 30 } },
  },
  rules: [
    { id: "pricing", category: "interest", points: 10, when: { event: "page_view", path: "/pricing*" }, limit: { times: 1, per: "session" } },
    { id: "trial", category: "interest", points: 25, when: { event: "trial_signup" }, limit: { times: 1, per: "lead" } },
    { id: "big-company", category: "fit", points: 20, when: { trait: "company_size", in: ["mid", "large"] } },
  ],
};

export interface EditorView {
  site: { name: string };
  csrf: string;
  name: string;
  model: ModelDetail | null;
  text: string;
  issues?: Issue[] | null;
  error?: string | null;
  notice?: Child;
  preview?: Preview | null;
  /** The edited model's tiers, ascending (for badges in the preview). */
  tiers?: string[];
  saved?: boolean;
  /** The site's retention (sites.retention_days): how far back a save's rescoring reaches. */
  retentionDays?: number | null;
  /** What the site's data contains, for the visual editor's pickers (GET /v1/admin/vocabulary). */
  vocabulary?: Vocabulary | null;
}

/**
 * The model editor: a visual editor (built by the editor script from the JSON document, so
 * both tabs edit the same document) and the JSON textarea as the "Advanced" tab, with the
 * preview beside them. Without JavaScript the JSON form alone works as before.
 */
export function EditorPage(v: EditorView) {
  const path = `/dashboard/models/${encodeURIComponent(v.name)}`;
  const m = v.model;
  const invalid = !!(v.error || (v.issues && v.issues.length));
  return (
    <Layout title={`Model ${v.name}`} nav="models" site={v.site} csrf={v.csrf}>
      <p class="small">
        <a href="/dashboard/models">← All models</a>
      </p>
      <h1>
        Model <code>{v.name}</code>
        {m ? <span class="mut small"> v{m.version}{m.primary ? " · primary" : ""}</span> : <span class="mut small"> (new, not saved yet)</span>}
      </h1>
      {v.notice}
      {!m && !v.notice ? (
        <details class="card">
          <summary>Start from a template (B2B SaaS, B2C shop, car dealer)</summary>
          <Templates name={v.name} />
        </details>
      ) : null}
      {m && (v.saved || m.rescore.status === "running") ? (
        <div class="card" data-progress={`${path}/status`} data-status={m.rescore.status} aria-live="polite">
          {v.saved ? <p class="yes">Saved as version {m.version}.</p> : null}
          <label for="rescore">Rescoring existing leads</label>
          <progress id="rescore" max={Math.max(1, m.rescore.total)} value={m.rescore.done}></progress>{" "}
          <span data-progress-text>
            {m.rescore.status === "done" ? `Rescoring done: ${m.rescore.done} of ${m.rescore.total} leads rescored.` : `Rescoring… ${m.rescore.done} of ${m.rescore.total} leads.`}
          </span>
          {m.rescore.status === "running" ? (
            <p class="mut small">
              Runs in the background (and every minute from the cron); <a href={path}>reload</a> to update.
            </p>
          ) : null}
        </div>
      ) : null}
      {invalid ? (
        <div class="msg err" role="alert" id="model-errors">
          <b>Not saved.</b> {v.error}
          {v.issues && v.issues.length ? <IssueList issues={v.issues} /> : null}
        </div>
      ) : null}
      <div
        class="editor"
        id="editor"
        data-vocab={JSON.stringify(v.vocabulary ?? null)}
        data-preview={`${path}/preview`}
        data-autopreview={!m || v.text !== JSON.stringify(m.document, null, 2) ? "1" : undefined}
      >
        <form method="post" action={path} class="card ed-main" id="model-form">
          <Csrf token={v.csrf} />
          <div role="tablist" aria-label="How to edit the model" class="tabs" id="editor-tabs" hidden>
            <button type="button" role="tab" id="tab-visual" aria-controls="panel-visual" aria-selected="true" class="sec">
              Visual editor
            </button>
            <button type="button" role="tab" id="tab-json" aria-controls="panel-json" aria-selected="false" tabindex={-1} class="sec">
              Advanced (JSON)
            </button>
          </div>
          <div role="tabpanel" id="panel-visual" aria-labelledby="tab-visual" hidden></div>
          <div role="tabpanel" id="panel-json" aria-labelledby="tab-json">
            <label for="doc">Model document (JSON)</label>
            <p class="mut small" id="doc-help">
              Categories with their maxima first, then rules (see the README's "Scoring models"). Preview shows how the most recent leads would move, without saving.
            </p>
            <p class="msg err" id="json-error" role="alert" hidden></p>
            <textarea
              id="doc"
              name="document"
              rows={26}
              spellcheck={false}
              autocapitalize="off"
              autocomplete="off"
              aria-describedby={invalid ? "doc-help rescore-notice model-errors" : "doc-help rescore-notice"}
              aria-invalid={invalid ? "true" : undefined}
            >
              {v.text}
            </textarea>
          </div>
          <RescoreNotice days={v.retentionDays ?? null} />
          <div class="row">
            <button type="submit" name="action" value="save">
              Save
            </button>
            <button type="submit" name="action" value="preview" class="sec">
              Preview the effect on leads
            </button>
          </div>
        </form>
        <aside class="ed-side" aria-label="Preview">
          <p class="sr-only" id="preview-status" aria-live="polite"></p>
          <div id="preview-slot">
            {v.preview ? (
              <PreviewView p={v.preview} tiers={v.tiers ?? []} isNew={!m} />
            ) : (
              <section class="card" id="preview-empty">
                <p class="mut">The preview of how your most recent leads would move appears here as you edit.</p>
              </section>
            )}
          </div>
        </aside>
      </div>
      <TriggerTests name={v.name} model={m} csrf={v.csrf} />
      {m && m.versions.length > 1 ? (
        <details class="card">
          <summary>Versions ({m.versions.length})</summary>
          <ul>
            {[...m.versions].reverse().map((x) => (
              <li>
                v{x.version}, <When ms={x.createdAt} />
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <script src={EDITOR_JS_PATH} defer></script>
    </Layout>
  );
}

function IssueList(p: { issues: Issue[] }) {
  return (
    <ul class="issues">
      {p.issues.map((i) => (
        <li>
          <code>{i.path || "(document)"}</code>: {i.message}
        </li>
      ))}
    </ul>
  );
}

/** The live preview's answer when the edited document cannot be previewed (fetched by the editor script). */
export function PreviewProblems(p: { error: string; issues?: Issue[] | null }) {
  return (
    <section class="card" id="preview-problems">
      <div class="msg err">
        <p data-summary>
          <b>No preview yet.</b> {p.error}
        </p>
        {p.issues && p.issues.length ? <IssueList issues={p.issues} /> : null}
      </div>
    </section>
  );
}

/**
 * A save recomputes every lead from the events still stored: behaviour older
 * than the site's retention stops counting then (scores keep it until a save).
 */
function RescoreNotice(p: { days: number | null }) {
  return (
    <p class="msg info small" id="rescore-notice">
      {p.days !== null
        ? `Saving stores a new version and rescores every lead from its stored events: the last ${p.days} days (this site keeps raw events for ${p.days} days). Older behaviour stops counting for this model; current scores keep it until you save.`
        : "Saving stores a new version and rescores every lead from its stored events, which go back as far as the site's retention (400 days unless set otherwise). Older behaviour stops counting for this model; current scores keep it until you save."}
    </p>
  );
}

export function PreviewView(p: { p: Preview; tiers: string[]; isNew: boolean }) {
  const pv = p.p;
  return (
    <section class="card" aria-labelledby="h-preview" id="preview">
      <h2 id="h-preview">Preview: the {pv.leads} most recent leads under the edited model</h2>
      <p data-summary>
        <b>{pv.up}</b> {pv.up === 1 ? "lead moves" : "leads move"} up, <b>{pv.down}</b> down, {pv.same} stay in their tier
        {p.isNew ? " (a new model: compared with cold)" : ""}.{pv.truncated ? " Stopped early at the preview's event budget." : ""} Nothing is saved yet.
      </p>
      {pv.distribution.length ? (
        <div class="scroll">
          <table>
            <caption class="mut small">Leads per tier</caption>
            <thead>
              <tr>
                <th scope="col">Tier</th>
                <th scope="col" class="num">
                  Now
                </th>
                <th scope="col" class="num">
                  Edited
                </th>
              </tr>
            </thead>
            <tbody>
              {pv.distribution.map((d) => (
                <tr>
                  <th scope="row">{d.tier}</th>
                  <td class="num">{d.before}</td>
                  <td class="num">{d.after}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {pv.movers.length ? (
        <>
          <h3>Movers</h3>
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Lead</th>
                  <th scope="col">Now</th>
                  <th scope="col">Edited</th>
                  <th scope="col">Move</th>
                </tr>
              </thead>
              <tbody>
                {pv.movers.slice(0, 100).map((x) => (
                  <tr>
                    <td>
                      <a href={`/dashboard/leads/${encodeURIComponent(x.id)}`}>{leadLabel(x)}</a>
                    </td>
                    <td>{x.before ? <>
                        <TierBadge tier={x.before.tier} /> {fmtNum(x.before.score)}
                      </> : "—"}</td>
                    <td>
                      <TierBadge tier={x.after.tier} tiers={p.tiers} /> {fmtNum(x.after.score)}
                    </td>
                    <td>{x.move > 0 ? <span class="yes">▲ up</span> : <span class="no">▼ down</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pv.movers.length > 100 ? <p class="mut small">And {pv.movers.length - 100} more.</p> : null}
        </>
      ) : null}
    </section>
  );
}

export const editorUrl = (name: string, params: Record<string, string | number | null | undefined> = {}) =>
  `/dashboard/models/${encodeURIComponent(name)}${qs(params)}`;
