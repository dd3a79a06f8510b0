import type { CombinedError } from '@urql/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Link } from './app';
import { issues, publicClient } from './graphql';
import { i18next, t } from './i18n';
import { proofOfWork } from './proof-of-work';
import { graphql, type ResultOf, type VariablesOf } from './gql';

/** The kinds of situation the intake API takes (PublicSituationKind). */
type SituationKind = NonNullable<VariablesOf<typeof SUBMIT>['input']['situationKind']>;
export const SITUATION_KINDS: SituationKind[] = ['SEXUAL', 'LABOUR', 'CRIMINAL', 'DOMESTIC_SERVITUDE', 'ORGAN_HARVESTING', 'CHILD', 'UNSURE'];
/** What the intake API takes of a photo, as sent (services/intake/photos.ts MAX_PHOTOS, MAX_PHOTO_BYTES). */
const MAX_PHOTOS = 3;
const MAX_PHOTO_BYTES = 1_000_000;

const CHALLENGE = graphql(`
  query Challenge {
    publicReportChallenge {
      challenge
      bits
    }
  }
`);
const SUBMIT = graphql(`
  mutation Submit($input: SubmitPublicReportInput!) {
    submitPublicReport(input: $input) {
      receiptCode
      receivedOn
    }
  }
`);
const RECEIPT = graphql(`
  query Receipt($code: String!) {
    publicReportReceipt(receiptCode: $code) {
      receivedOn
      status
      additionCount
    }
  }
`);
const ADD = graphql(`
  mutation Add($input: AddToPublicReportInput!) {
    addToPublicReport(input: $input) {
      receivedOn
      status
      additionCount
    }
  }
`);

/** A fresh challenge, solved in the browser: what a submission or an addition carries. */
async function solvedChallenge(): Promise<{ challenge: string; nonce: string }> {
  const r = await publicClient.query(CHALLENGE, {}).toPromise();
  if (!r.data?.publicReportChallenge) throw r.error ?? new Error('no challenge');
  const { challenge, bits } = r.data.publicReportChallenge;
  return { challenge, nonce: await proofOfWork(challenge, bits) };
}

/** What went wrong, in the reader's language, with the API's own words for a refused field. */
function Failure({ error }: { error: CombinedError | Error | undefined }) {
  if (!error) return null;
  const found = 'graphQLErrors' in error ? issues(error) : [];
  const bad = found.filter((i) => i.code === 'BAD_USER_INPUT');
  const limited = found.some((i) => i.code === 'RATE_LIMITED');
  const closed = found.some((i) => i.code === 'CONFLICT');
  return (
    <div class="problem" role="alert">
      {bad.length ? (
        <>
          <p>{t('report.errors.BAD_USER_INPUT')}</p>
          <ul>
            {bad.map((i, n) => (
              <li key={n}>{i.message}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>{limited ? t('report.errors.RATE_LIMITED') : closed ? t('report.closedAdd') : t('report.errors.other')}</p>
      )}
    </div>
  );
}

// ---- photos -------------------------------------------------------------------------------

interface Photo {
  name: string;
  base64: string;
  preview: string;
}

function base64Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(',') + 1));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(blob);
  });
}

/** A photo over the API's size limit, drawn smaller as a JPEG until it fits (the hub re-encodes it again on receipt). */
async function shrink(file: File): Promise<Blob> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  for (let edge = 2048; edge >= 256; edge = Math.round(edge * 0.75)) {
    const scale = Math.min(1, edge / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    if (blob && blob.size <= MAX_PHOTO_BYTES) return blob;
  }
  throw new Error('too large');
}

async function photoOf(file: File): Promise<Photo> {
  const blob = file.size > MAX_PHOTO_BYTES ? await shrink(file) : file;
  return { name: file.name, base64: await base64Of(blob), preview: URL.createObjectURL(blob) };
}

// ---- the report ---------------------------------------------------------------------------

const languageName = () => (i18next.language === 'ro' ? 'Română' : 'English');

interface Draft {
  story: string;
  when: string;
  place: string;
  situationKind: SituationKind | '';
  language: string | undefined;
  contact: string;
}
const EMPTY: Draft = { story: '', when: '', place: '', situationKind: '', language: undefined, contact: '' };

/** Copies the code; where the clipboard is not offered (a page not served over https), selects it for the person to copy. */
async function copy(code: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(code);
    return true;
  } catch {
    const shown = document.querySelector('[data-testid="receipt-code"]');
    if (shown) getSelection()?.selectAllChildren(shown);
    return false;
  }
}

function Receipt({ code, receivedOn, onAnother }: { code: string; receivedOn: string; onAnother: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section class="receipt" data-testid="receipt" aria-labelledby="receipt-title">
      <h1 id="receipt-title" tabIndex={-1}>
        {t('report.receivedTitle', { date: receivedOn })}
      </h1>
      <p>{t('report.receiptLabel')}:</p>
      <p class="receipt-code" data-testid="receipt-code">
        {code}
      </p>
      <button type="button" onClick={() => void copy(code).then(setCopied)}>
        {copied ? t('report.copied') : t('report.copy')}
      </button>
      <p class="warning" role="note">
        {t('report.receiptOnce')}
      </p>
      <p>{t('report.receiptUse')}</p>
      <p class="actions">
        <Link href="/report/receipt">{t('report.checkLink')}</Link>
        <button type="button" class="secondary" onClick={onAnother}>
          {t('report.another')}
        </button>
      </p>
    </section>
  );
}

/**
 * The public's report form: no account, mobile first. It says what is kept and what is not, solves
 * the proof of work in the browser, and shows the receipt code once: it is kept nowhere, not even
 * in this page's history, once the person leaves the page.
 */
export function PublicReportPage() {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [photoProblem, setPhotoProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CombinedError | Error>();
  const [receipt, setReceipt] = useState<{ code: string; receivedOn: string }>();
  const set = (field: keyof Draft) => (e: Event) => setDraft({ ...draft, [field]: (e.target as HTMLInputElement).value });

  const previews = useRef<Photo[]>([]);
  previews.current = photos;
  useEffect(() => () => previews.current.forEach((p) => URL.revokeObjectURL(p.preview)), []);
  useEffect(() => {
    if (receipt) document.getElementById('receipt-title')?.focus();
  }, [receipt]);

  if (receipt) {
    return (
      <Receipt
        code={receipt.code}
        receivedOn={receipt.receivedOn}
        onAnother={() => {
          setReceipt(undefined);
          setDraft(EMPTY);
        }}
      />
    );
  }

  const addPhotos = async (files: FileList | null) => {
    setPhotoProblem(undefined);
    const chosen = [...(files ?? [])];
    if (photos.length + chosen.length > MAX_PHOTOS) setPhotoProblem(t('report.tooManyPhotos'));
    const added: Photo[] = [];
    for (const file of chosen.slice(0, MAX_PHOTOS - photos.length)) {
      try {
        added.push(await photoOf(file));
      } catch {
        setPhotoProblem(t('report.photoUnreadable', { name: file.name }));
      }
    }
    setPhotos([...photos, ...added]);
  };

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const input = {
        story: draft.story,
        when: draft.when.trim() || null,
        place: draft.place.trim() || null,
        situationKind: draft.situationKind || null,
        language: (draft.language ?? languageName()).trim() || languageName(),
        contact: draft.contact.trim() || null,
        photos: photos.map((p) => p.base64),
        ...(await solvedChallenge()),
      };
      const r = await publicClient.mutation(SUBMIT, { input }).toPromise();
      if (r.data?.submitPublicReport) {
        setReceipt({ code: r.data.submitPublicReport.receiptCode, receivedOn: r.data.submitPublicReport.receivedOn });
        photos.forEach((p) => URL.revokeObjectURL(p.preview));
        setPhotos([]);
      } else setError(r.error);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="public-report" data-testid="report-form">
      <h1>{t('report.title')}</h1>
      <p>{t('report.intro')}</p>
      <p class="emergency">{t('report.emergency')}</p>
      <div class="privacy" data-testid="privacy">
        <h2>{t('report.storedTitle')}</h2>
        <ul>
          <li>{t('report.stored')}</li>
          <li>{t('report.notStored')}</li>
          <li>{t('report.contactStored')}</li>
        </ul>
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void submit();
        }}
      >
        <label for="r-story">{t('report.story')}</label>
        <p class="hint" id="r-story-hint">
          {t('report.storyHint')}
        </p>
        <textarea id="r-story" required maxLength={20000} rows={8} value={draft.story} onInput={set('story')} aria-describedby="r-story-hint" />

        <label for="r-when">
          {t('report.when')} <span class="muted">({t('report.optional')})</span>
        </label>
        <p class="hint" id="r-when-hint">
          {t('report.whenHint')}
        </p>
        <input id="r-when" value={draft.when} onInput={set('when')} aria-describedby="r-when-hint" />

        <label for="r-where">
          {t('report.where')} <span class="muted">({t('report.optional')})</span>
        </label>
        <p class="hint" id="r-where-hint">
          {t('report.whereHint')}
        </p>
        <input id="r-where" value={draft.place} onInput={set('place')} aria-describedby="r-where-hint" />

        <label for="r-kind">{t('report.kind')}</label>
        <select id="r-kind" value={draft.situationKind} onChange={set('situationKind')}>
          <option value="">{t('report.kindNone')}</option>
          {SITUATION_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`report.kinds.${k}`)}
            </option>
          ))}
        </select>

        <label for="r-language">{t('report.language')}</label>
        <input id="r-language" required maxLength={50} value={draft.language ?? languageName()} onInput={set('language')} />

        <label for="r-photos">{t('report.photos')}</label>
        <p class="hint" id="r-photos-hint">
          {t('report.photosHint')}
        </p>
        <input
          id="r-photos"
          type="file"
          accept="image/*"
          multiple
          disabled={photos.length >= MAX_PHOTOS}
          aria-describedby="r-photos-hint"
          onChange={(e) => {
            const input = e.target as HTMLInputElement;
            void addPhotos(input.files).then(() => (input.value = ''));
          }}
        />
        {photoProblem && (
          <p class="problem" role="alert">
            {photoProblem}
          </p>
        )}
        {photos.length > 0 && (
          <ul class="photos" data-testid="photos">
            {photos.map((p, i) => (
              <li key={p.preview}>
                <img src={p.preview} alt={p.name} />
                <button
                  type="button"
                  class="small secondary"
                  onClick={() => {
                    URL.revokeObjectURL(p.preview);
                    setPhotos(photos.filter((_, j) => j !== i));
                  }}
                >
                  {t('report.removePhoto', { name: p.name })}
                </button>
              </li>
            ))}
          </ul>
        )}

        <label for="r-contact">{t('report.contact')}</label>
        <p class="hint" id="r-contact-hint">
          {t('report.contactHint')}
        </p>
        <input id="r-contact" maxLength={500} autoComplete="off" value={draft.contact} onInput={set('contact')} aria-describedby="r-contact-hint" />

        <Failure error={error} />
        {busy && (
          <p role="status" class="working">
            {t('report.working')}
          </p>
        )}
        <button type="submit" class="primary-wide" disabled={busy}>
          {t('report.submit')}
        </button>
      </form>
      <p class="actions">
        <Link href="/report/receipt">{t('report.checkLink')}</Link>
      </p>
    </section>
  );
}

// ---- the receipt ----------------------------------------------------------------------------

type ReceiptAnswer = ResultOf<typeof ADD>['addToPublicReport'];

/** Checks a receipt code and adds to its report; the code stays in this page's memory only (never in the address). */
export function ReceiptPage() {
  const [code, setCode] = useState('');
  const [checked, setChecked] = useState<ReceiptAnswer>();
  const [notFound, setNotFound] = useState(false);
  const [text, setText] = useState('');
  const [added, setAdded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CombinedError | Error>();

  const check = async () => {
    setBusy(true);
    setError(undefined);
    setAdded(false);
    const r = await publicClient.query(RECEIPT, { code: code.trim() }).toPromise();
    setBusy(false);
    const missing = !r.data?.publicReportReceipt;
    setNotFound(missing && (issues(r.error).some((i) => i.code === 'NOT_FOUND') || !r.error));
    setChecked(r.data?.publicReportReceipt ?? undefined);
    if (missing && !issues(r.error).some((i) => i.code === 'NOT_FOUND')) setError(r.error);
  };

  const add = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const input = { receiptCode: code.trim(), text, ...(await solvedChallenge()) };
      const r = await publicClient.mutation(ADD, { input }).toPromise();
      if (r.data?.addToPublicReport) {
        setChecked(r.data.addToPublicReport);
        setText('');
        setAdded(true);
      } else setError(r.error);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="public-report" data-testid="receipt-page">
      <h1>{t('report.receiptTitle')}</h1>
      <p>{t('report.receiptIntro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void check();
        }}
      >
        <label for="r-code">{t('report.code')}</label>
        <input
          id="r-code"
          required
          autoComplete="off"
          spellcheck={false}
          value={code}
          onInput={(e) => {
            setCode((e.target as HTMLInputElement).value);
            setChecked(undefined);
            setNotFound(false);
          }}
        />
        <button type="submit" class="primary-wide" disabled={busy}>
          {t('report.check')}
        </button>
      </form>
      {notFound && (
        <p class="problem" role="alert">
          {t('report.notFound')}
        </p>
      )}
      {checked && (
        <>
          <div role="status" data-testid="receipt-status">
            <dl class="fields">
              <div data-field="receivedOn">
                <dt>{t('report.receivedOn')}</dt>
                <dd>{checked.receivedOn}</dd>
              </div>
              <div data-field="status">
                <dt>{t('report.status')}</dt>
                <dd>{checked.status ? t(`report.statuses.${checked.status}`) : t('common.none')}</dd>
              </div>
              <div data-field="additionCount">
                <dt>{t('report.additions')}</dt>
                <dd>{checked.additionCount ?? 0}</dd>
              </div>
            </dl>
          </div>
          {added && (
            <p class="success" role="status">
              {t('report.added')}
            </p>
          )}
          {checked.status === 'CLOSED' ? (
            <p class="notice" role="status" data-testid="report-closed">
              {t('report.closedAdd')}
            </p>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (!busy) void add();
              }}
            >
              <h2>{t('report.addTitle')}</h2>
              <label for="r-add">{t('report.addLabel')}</label>
              <textarea id="r-add" required maxLength={20000} rows={5} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
              {busy && (
                <p role="status" class="working">
                  {t('report.working')}
                </p>
              )}
              <button type="submit" class="primary-wide" disabled={busy}>
                {t('report.add')}
              </button>
            </form>
          )}
        </>
      )}
      <Failure error={error} />
      <p class="actions">
        <Link href="/report">{t('report.newReport')}</Link>
      </p>
    </section>
  );
}
