/**
 * Live prompt validation: the server's verdict (POST /v1/prompts/check, the same check a create runs)
 * for the text being typed, asked for a moment after typing stops. A result is tied to the exact text it
 * was made for, so stale underlines are never drawn on newer text. The list mode checks many texts at
 * once through the same hook: each distinct text once, and a text already checked is not asked again.
 */
import { useEffect, useMemo, useState } from 'react';
import type { PromptCheck } from '../api/types.ts';
import { useServer } from './server.tsx';

const DEBOUNCE_MS = 250;

export interface PromptCheckState {
  /** The result for the current text. */
  readonly check?: PromptCheck;
  /** A check for the current text is on its way. */
  readonly pending: boolean;
}

export interface PromptChecksState {
  /** Results by text: look the texts asked about up (it may still hold a few older ones). */
  readonly checks: ReadonlyMap<string, PromptCheck>;
  /** Some text asked about has no result yet. */
  readonly pending: boolean;
}

const NONE: ReadonlyMap<string, PromptCheck> = new Map();

export function usePromptCheck(text: string, model: string | undefined, enabled = true, role?: 'negative_prompt'): PromptCheckState {
  const texts = useMemo(() => [text], [text]);
  const { checks, pending } = usePromptChecks(texts, model, enabled, role);
  return { check: checks.get(text), pending };
}

/** The server's verdict on each of `texts` (blank ones are not asked about), as prompts or as negative prompts (`role`). */
export function usePromptChecks(texts: readonly string[], model: string | undefined, enabled = true, role?: 'negative_prompt'): PromptChecksState {
  const { api, connection } = useServer();
  // The distinct texts as one value, so that a new array of the same texts asks nothing again.
  const key = JSON.stringify([...new Set(texts.filter((text) => text.trim() !== ''))]);
  const wanted = useMemo(() => JSON.parse(key) as string[], [key]);
  const [state, setState] = useState<{ model?: string; checks: ReadonlyMap<string, PromptCheck> }>({ checks: NONE });
  const known = state.model === model ? state.checks : NONE;
  useEffect(() => {
    if (!enabled || connection !== 'ready') return;
    const missing = wanted.filter((text) => !known.has(text));
    if (missing.length === 0) return;
    const controller = new AbortController();
    // Each result is kept as it comes, with those of the texts still asked about (an edited line drops its old text's).
    const keep = (text: string, check: PromptCheck) =>
      setState((s) => {
        const checks = new Map([...(s.model === model ? s.checks : NONE)].filter(([t]) => wanted.includes(t)));
        return { model, checks: checks.set(text, check) };
      });
    const timer = setTimeout(() => {
      for (const text of missing) {
        api.checkPrompt(text, model, controller.signal, role).then(
          (check) => {
            if (!controller.signal.aborted) keep(text, check);
          },
          () => undefined, // offline or aborted: creating will say what is wrong
        );
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // Not on `known`: results coming in must not abort the checks still in flight.
  }, [api, connection, wanted, model, enabled, role]);
  return { checks: known, pending: enabled && wanted.some((text) => !known.has(text)) };
}
