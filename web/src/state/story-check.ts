/**
 * Live story checking: what the server would make of the script being typed (POST /v1/stories/check, the
 * same planning a create runs): the shots, the film's length and its cost, or the first mistake with its
 * line. Asked for a moment after typing stops; a result is tied to the exact request it was made for (its
 * pictures too, each known by its name, size and date, since a File does not serialize).
 */
import { useEffect, useRef, useState } from 'react';
import { ApiError, type StoryRequest } from '../api/client.ts';
import type { StoryPlan } from '../api/types.ts';
import { useServer } from './server.tsx';

const DEBOUNCE_MS = 300;

export interface StoryCheckState {
  readonly plan?: StoryPlan;
  /** The server's message for the first mistake. */
  readonly error?: string;
  /** A check for the current request is on its way. */
  readonly pending: boolean;
}

export function useStoryCheck(request: StoryRequest, enabled: boolean): StoryCheckState {
  const { api, connection } = useServer();
  const key = JSON.stringify(request, (_, value: unknown) => (value instanceof Blob ? pictureKey(value) : value));
  // The request the key stands for (with its Files), for the check the effect sends.
  const latest = useRef(request);
  latest.current = request;
  const [state, setState] = useState<{ key?: string; plan?: StoryPlan; error?: string }>({});
  useEffect(() => {
    if (!enabled || connection !== 'ready' || request.script.trim() === '') return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.checkStory(latest.current, controller.signal).then(
        (plan) => setState({ key, plan }),
        (error: unknown) => {
          // A 4xx is the script's mistake; offline or aborted, creating will say what is wrong.
          if (!controller.signal.aborted && error instanceof ApiError && error.status >= 400 && error.status < 500) setState({ key, error: error.message });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, connection, key, enabled]); // `key` stands for the request
  const current = state.key === key;
  return { plan: current ? state.plan : undefined, error: current ? state.error : undefined, pending: enabled && request.script.trim() !== '' && !current };
}

/** A picture as a request key knows it (a Blob serializes to `{}`): a picked File by its name, size and date. */
function pictureKey(blob: Blob): string {
  return blob instanceof File ? `${blob.name}:${blob.size}:${blob.lastModified}` : `${blob.type}:${blob.size}`;
}
