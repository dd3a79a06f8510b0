import type { CombinedError } from '@urql/core';
import { useEffect, useState } from 'preact/hooks';
import { client, needsPurpose, setPurpose, statedPurpose } from './graphql';

export interface PersonalQuery<T> {
  /** The purpose form is shown instead of the record. */
  asking: boolean;
  /** Change the stated purpose: the form again. */
  ask: () => void;
  /** The purpose was stated: the query runs (again). */
  stated: () => void;
  /** Runs the query again (after a change the page made). */
  reload: () => void;
  loading: boolean;
  data?: T | null;
  error?: CombinedError;
}

/**
 * A query that opens personal data: the purpose is asked first (once a session, sent as
 * `x-tessera-purpose`), and again when the API answers PURPOSE_REQUIRED; the query runs once it is stated.
 */
export function usePersonalQuery<T>(
  query: string,
  variables: Record<string, unknown>,
  pick: (data: Record<string, unknown> | undefined) => T | null | undefined,
): PersonalQuery<T> {
  const [asking, setAsking] = useState(!statedPurpose());
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<{ data?: T | null; error?: CombinedError; loading: boolean }>({ loading: true });
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (asking) return;
    setState({ loading: true });
    void client
      .query<Record<string, unknown>>(query, variables)
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
      setAttempt((a) => a + 1);
    },
    reload: () => setAttempt((a) => a + 1),
  };
}
