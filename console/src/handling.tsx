import type { SchemaType } from './gql';
import { t } from './i18n';

type HandlingInput = SchemaType<'HandlingInput'>;
/** The handling every contributed record carries (the API's `HandlingInput`): TLP marking and 3x5x2 grading. */
export type Handling = Pick<HandlingInput, 'marking' | 'sourceEvaluation' | 'intelligenceAssessment' | 'handlingCode'> & { handlingConditions?: string };

export const DEFAULT_HANDLING: Handling = { marking: 'AMBER', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' };

const MARKINGS: Handling['marking'][] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
const SOURCES: Handling['sourceEvaluation'][] = ['RELIABLE', 'UNTESTED', 'NOT_RELIABLE'];
const ASSESSMENTS: Handling['intelligenceAssessment'][] = ['A', 'B', 'C', 'D', 'E'];
const CODES: Handling['handlingCode'][] = ['P', 'C'];

/** The handling as the API takes it: conditions only with handling code C. */
export function handlingInput(h: Handling): Handling {
  const { handlingConditions, ...rest } = h;
  return h.handlingCode === 'C' ? { ...rest, handlingConditions: handlingConditions ?? '' } : rest;
}

/** A fieldset choosing the handling; `invalid` names the API's field (`input.handling.handlingConditions`) it refused. */
export function HandlingFields({ value, onChange, invalid }: { value: Handling; onChange: (h: Handling) => void; invalid?: string }) {
  const select = (field: keyof Handling, options: string[], label: (v: string) => string) => (
    <span>
      <label for={`handling-${field}`}>{t(`handling.${field}`)}</label>
      <select id={`handling-${field}`} value={value[field]} onChange={(e) => onChange({ ...value, [field]: (e.target as HTMLSelectElement).value })}>
        {options.map((o) => (
          <option key={o} value={o}>
            {label(o)}
          </option>
        ))}
      </select>
    </span>
  );
  return (
    <fieldset class="handling">
      <legend>{t('handling.legend')}</legend>
      <div class="row">
        {select('marking', MARKINGS, (m) => t('tlp.label', { level: m === 'AMBER_STRICT' ? 'AMBER+STRICT' : m }))}
        {select('sourceEvaluation', SOURCES, (s) => t(`grading.${s}`))}
        {select('intelligenceAssessment', ASSESSMENTS, (a) => t(`grading.${a}`))}
        {select('handlingCode', CODES, (c) => t(`grading.${c === 'C' ? 'C_handling' : c}`))}
      </div>
      {value.handlingCode === 'C' && (
        <>
          <label for="handling-handlingConditions">{t('handling.handlingConditions')}</label>
          <input
            id="handling-handlingConditions"
            required
            aria-invalid={invalid === 'input.handling.handlingConditions' ? 'true' : undefined}
            value={value.handlingConditions ?? ''}
            onInput={(e) => onChange({ ...value, handlingConditions: (e.target as HTMLInputElement).value })}
          />
        </>
      )}
    </fieldset>
  );
}
