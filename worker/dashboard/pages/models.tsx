import type { Child } from "hono/jsx";
import type { Issue } from "../../http/errors";
import { qs } from "../api";
import { Csrf, fmtNum, Layout, leadLabel, Msg, TierBadge, When } from "../layout";
import type { Preview } from "../preview";
import type { ModelDetail } from "../types";
import { TriggerTests } from "./trigger-test";
import type { ModelInfo } from "../../models/models";

export function ModelsPage(p: { site: { name: string }; csrf: string; models: ModelInfo[]; error?: string | null }) {
  return (
    <Layout title="Models" nav="models" site={p.site} csrf={p.csrf}>
      <h1>Scoring models</h1>
      {p.error ? <Msg kind="err">{p.error}</Msg> : null}
      {p.models.length === 0 ? (
        <p class="card">No model yet. The first model you create is the site's primary one (its tier drives the hints on your pages).</p>
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
      </form>
    </Layout>
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
}

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
          {v.issues && v.issues.length ? (
            <ul class="issues">
              {v.issues.map((i) => (
                <li>
                  <code>{i.path || "(document)"}</code>: {i.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <form method="post" action={path} class="card">
        <Csrf token={v.csrf} />
        <label for="doc">Model document (JSON)</label>
        <p class="mut small" id="doc-help">
          Categories with their maxima first, then rules (see the README's "Scoring models"). Preview shows how the most recent leads would move, without saving.
        </p>
        <RescoreNotice days={v.retentionDays ?? null} />
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
        <div class="row">
          <button type="submit" name="action" value="save">
            Save
          </button>
          <button type="submit" name="action" value="preview" class="sec">
            Preview the effect on leads
          </button>
        </div>
      </form>
      {v.preview ? <PreviewView p={v.preview} tiers={v.tiers ?? []} isNew={!m} /> : null}
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
    </Layout>
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

function PreviewView(p: { p: Preview; tiers: string[]; isNew: boolean }) {
  const pv = p.p;
  return (
    <section class="card" aria-labelledby="h-preview" id="preview">
      <h2 id="h-preview">Preview: the {pv.leads} most recent leads under the edited model</h2>
      <p>
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
