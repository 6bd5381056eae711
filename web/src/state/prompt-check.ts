/**
 * Live prompt validation: the server's verdict (POST /v1/prompts/check, the same check a create runs)
 * for the text being typed, asked for a moment after typing stops. A result is tied to the exact text it
 * was made for, so stale underlines are never drawn on newer text.
 */
import { useEffect, useState } from 'react';
import type { PromptCheck } from '../api/types.ts';
import { useServer } from './server.tsx';

const DEBOUNCE_MS = 250;

export interface PromptCheckState {
  /** The last result, for `text`. */
  readonly check?: PromptCheck;
  readonly text?: string;
  /** A check for the current text is on its way. */
  readonly pending: boolean;
}

export function usePromptCheck(text: string, model: string | undefined, enabled = true): PromptCheckState {
  const { api, connection } = useServer();
  const [state, setState] = useState<{ check?: PromptCheck; text?: string }>({});
  useEffect(() => {
    if (!enabled || connection !== 'ready') return;
    if (text.trim() === '') {
      setState({});
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.checkPrompt(text, model, controller.signal).then(
        (check) => setState({ check, text }),
        () => undefined, // offline or aborted: creating will say what is wrong
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, connection, text, model, enabled]);
  const current = state.text === text;
  return { check: current ? state.check : undefined, text: state.text, pending: enabled && text.trim() !== '' && !current };
}
