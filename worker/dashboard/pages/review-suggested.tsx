// The suggested model in the review: how it was measured (held-out leads, the split), whether to
// use it, and a "why" per rule (its lift, how many leads it touches, its points). "Use the
// suggested model" is the prominent action ONLY when the suggestion ranks the held-out leads
// better than the reviewed model; otherwise a quiet link says why it is not recommended.
import { fmtNum, Msg } from "../layout";
import type { Report } from "../types";

type Suggested = Report["suggested"];

function reason(r: Report): string {
  const s = r.suggested;
  if (s.note) return s.note;
  if (r.suggestedAuc === null || s.currentAuc === null) return "Its AUC on held-out leads could not be measured.";
  return `On the held-out leads it does not rank better than the current model (AUC ${fmtNum(r.suggestedAuc, 3)} vs ${fmtNum(s.currentAuc, 3)}).`;
}

export function SuggestedAction(p: { r: Report; model: string | null; days: number }) {
  const { r, model, days } = p;
  if (!r.suggestedModel || !model) return <p class="small mut">{r.suggested.note ?? "No suggested model yet: it is fitted to the window's conversions (record them with POST /v1/admin/conversions)."}</p>;
  const href = `/dashboard/models/${encodeURIComponent(model)}`;
  if (r.suggested.beatsCurrent)
    return (
      <Msg kind="ok">
        <form method="get" action={href}>
          <input type="hidden" name="from" value="suggested" />
          <input type="hidden" name="days" value={String(days)} />
          <p>
            <b>The suggested model ranks new leads better:</b> AUC {fmtNum(r.suggestedAuc, 3)} against {fmtNum(r.suggested.currentAuc, 3)} for the current model, on{" "}
            {r.suggested.split.holdout} held-out leads neither was fitted on.
          </p>
          <button type="submit">Use the suggested model</button> <span class="mut small">Opens it in the editor; nothing is saved until you press Save.</span>
        </form>
      </Msg>
    );
  return (
    <p class="small mut">
      Not recommended: {reason(r)}{" "}
      <a href={`${href}?from=suggested&days=${days}`}>Open the suggested model in the editor anyway</a>
    </p>
  );
}

export function SuggestedRules(p: { s: Suggested; auc: number | null }) {
  const { s } = p;
  if (s.rules.length === 0) return null;
  return (
    <details class="card" open>
      <summary>
        Why the suggested model scores as it does ({s.rules.length} rules, from {s.features} candidates)
      </summary>
      <p class="small mut">
        Fitted on {s.split.train} leads, measured on {s.split.holdout} held out ({s.split.holdoutConverted} converted): {s.split.method}. Held-out AUC {fmtNum(p.auc, 3)}
        {s.regressionAuc !== null ? ` (the unrounded regression: ${fmtNum(s.regressionAuc, 3)})` : ""}. Lift: conversion rate of the window's leads with the rule ÷ without it.
      </p>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col" class="num">
                Points
              </th>
              <th scope="col" class="num">
                Leads it touches
              </th>
              <th scope="col" class="num">
                Converted
              </th>
              <th scope="col" class="num">
                Lift
              </th>
            </tr>
          </thead>
          <tbody>
            {s.rules.map((r) => (
              <tr>
                <th scope="row">
                  {r.label}
                  <div class="mut small">
                    <code>{r.id}</code>, {r.category}
                  </div>
                </th>
                <td class="num">{`${r.points > 0 ? "+" : ""}${r.points}`}</td>
                <td class="num">{r.leads}</td>
                <td class="num">{r.converted}</td>
                <td class="num">{fmtNum(r.lift)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
