// The suggestion on a second real data set (2,000 online-shopper sessions, test/fixtures/
// shoppers-sample.ts; every column a trait as the import maps it, Revenue the outcome), with and
// without PageValues: on the held-out leads it must rank about as well as a plain logistic
// regression on the same columns and split (log-scaled counts, one-hot categories), and stay
// readable. 596 held-out leads with 85 buyers: an AUC there is ±0.03, so the goal of 0.01 is
// measured on the whole files (npm run bench:report); here a regression beyond 0.02 fails.
import { describe, expect, it } from "vitest";
import { asLeads } from "../../test/fixtures/bank";
import { plainLogisticHoldoutAuc } from "../../test/fixtures/plain-logistic";
import { parseShoppers, shoppersColumns, withoutPageValues } from "../../test/fixtures/shoppers";
import { shoppersCsv } from "../../test/fixtures/shoppers-sample";
import { parseModel } from "../scoring/model";
import { MAX_RULES, suggest } from "./suggest";

describe("the suggestion on the online-shoppers sample", () => {
  const { rows, y } = parseShoppers(shoppersCsv);
  for (const pv of [true, false]) {
    it(`ranks held-out buyers like a logistic regression, ${pv ? "with" : "without"} PageValues`, () => {
      const data = pv ? rows : withoutPageValues(rows);
      const leads = asLeads(data, "ld_shop");
      const s = suggest(leads, y, y.map(() => false), y.map(() => 0), { tierNames: ["warm", "hot"], gateRules: [], extra: {} });
      const plain = plainLogisticHoldoutAuc(leads.map((l) => l.id), data, y, shoppersColumns(pv));
      console.log(`shoppers sample ${pv ? "with" : "without"} PageValues: suggested ${s.auc} (${s.rules.length} rules), plain regression ${plain.toFixed(4)}`);
      expect(s.split).toMatchObject({ train: 1404, holdout: 596, holdoutConverted: 85 });
      expect(s.auc!).toBeGreaterThanOrEqual(plain - 0.02);
      expect(parseModel(s.model).ok).toBe(true);
      expect(s.rules.length).toBeLessThanOrEqual(MAX_RULES);
      if (pv) expect(s.rules.filter((r) => r.label.startsWith("PageValues")).every((r) => r.points > 0 && r.lift! > 1)).toBe(true);
      else expect(s.rules.some((r) => r.label.startsWith("PageValues"))).toBe(false);
    });
  }
});
