/** The words a model knows (GET /v1/prompts/vocabulary), fetched once per model and key. */
import { useEffect, useState } from 'react';
import type { Vocabulary } from '../api/types.ts';
import { useServer } from './server.tsx';

export function useVocabulary(model: string | undefined): Vocabulary | undefined {
  const { api, connection } = useServer();
  const [vocabulary, setVocabulary] = useState<Vocabulary>();
  useEffect(() => {
    if (!model || connection !== 'ready') return;
    let live = true;
    api.vocabulary(model).then(
      (v) => live && setVocabulary(v),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, connection, model]);
  return vocabulary?.model === model ? vocabulary : undefined;
}
