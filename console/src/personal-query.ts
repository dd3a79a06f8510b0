import type { AnyVariables, CombinedError, DocumentInput } from '@urql/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { client, needsPurpose, setPurpose, statedPurpose } from './graphql';

export interface PersonalQuery<T> {
  /** The purpose form is shown instead of the record. */
  asking: boolean;
  /** Change the stated purpose: the form again. */
  ask: () => void;
  /** The purpose was stated: the query runs (again). */
  stated: () => void;
  /** Runs the query again after a change, showing what is there until the answer arrives. */
  refresh: () => void;
  loading: boolean;
  data?: T | null;
  error?: CombinedError;
}

/**
 * A query that opens personal data: the purpose is asked first (once a session, sent as
 * `x-tessera-purpose`), and again when the API answers PURPOSE_REQUIRED; the query runs once it is stated.
 */
export function usePersonalQuery<Data, V extends AnyVariables, T>(
  query: DocumentInput<Data, V>,
  variables: V,
  pick: (data: Data | undefined) => T | null | undefined,
): PersonalQuery<T> {
  const [asking, setAsking] = useState(!statedPurpose());
  const [attempt, setAttempt] = useState({ n: 0, quiet: false });
  const [state, setState] = useState<{ data?: T | null; error?: CombinedError; loading: boolean }>({ loading: true });
  const key = JSON.stringify(variables);
  const shownKey = useRef(key);
  useEffect(() => {
    if (asking) return;
    // A quiet refresh keeps the record on screen; other variables are another record.
    if (!attempt.quiet || shownKey.current !== key) setState({ loading: true });
    shownKey.current = key;
    void client
      .query(query, variables)
      .toPromise()
      .then((r) => {
        if (needsPurpose(r.error)) {
          setPurpose(undefined);
          setAsking(true);
          return;
        }
        setState({ data: pick(r.data) ?? null, error: r.error, loading: false });
      });
    // `variables` is compared by value (key); `pick` is a pure accessor.
  }, [query, key, asking, attempt]);
  return {
    ...state,
    asking,
    ask: () => setAsking(true),
    stated: () => {
      setAsking(false);
      setAttempt((a) => ({ n: a.n + 1, quiet: false }));
    },
    refresh: () => setAttempt((a) => ({ n: a.n + 1, quiet: true })),
  };
}
