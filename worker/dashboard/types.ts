// The admin API's answers, as the dashboard renders them. Each type comes from the module
// that produces the answer, so a field renamed or retyped there fails the typecheck (npm test
// runs tsc) instead of rendering as "—". Nothing here lists an answer's fields.
import type { listAlerts } from "../alerts/store";
import type { listLeads } from "../leads/list";

export type { AlertStatus, AlertView as AlertItem } from "../alerts/store";
export type { LeadDetail, LeadModelScore as ModelScore } from "../leads/detail";
export type { LeadListItem } from "../leads/list";
export type { MergeResult } from "../leads/merge";
export type { ModelDetail, ModelList } from "../models/models";
export type { Report } from "../report/report";
export type { KeysInfo, RotatedKey } from "../sites/sites";

/** GET /v1/admin/leads */
export type LeadList = Awaited<ReturnType<typeof listLeads>>;
/** GET /v1/admin/alerts */
export type AlertList = Awaited<ReturnType<typeof listAlerts>>;
