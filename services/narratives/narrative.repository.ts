import type { PolicyRecord } from '../../policies/subjects';
import { metaAttributes, metaColumns, withMeta } from '../kernel/marked-record';
import { ref } from '../kernel/references';
import type { SubjectTable } from '../kernel/repository';

const GRANTS = 'narratives.grants';

export const narrativeTable: SubjectTable = {
  subject: 'Narrative',
  table: 'narratives.narratives',
  alias: 'n',
  grantsTable: GRANTS,
  columns: `${metaColumns('n')}, n.case_id AS "caseId", n.language, n.text, n.indicators,
    n.consent_law_enforcement AS "consentLawEnforcement", n.consent_hub AS "consentHub", n.consent_recorded_by AS "consentRecordedBy",
    n.consent_recorded_at AS "consentRecordedAt", n.withdrawn_at AS "withdrawnAt"`,
  attributes: (ctx, params) => ({
    ...metaAttributes('n', ctx.actor, params, GRANTS),
    consentLawEnforcement: () => 'n.consent_law_enforcement',
    consentHub: () => 'n.consent_hub',
  }),
  map: (row) => withMeta('Narrative', Object.assign(row, { case: ref('Case', row.caseId as string) })) as PolicyRecord,
};
