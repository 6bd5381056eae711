/**
 * Structured controls expressed in the prompt language the models were trained on. Kling and Runway take
 * camera moves as a field beside the prompt; Cinesim's models learned camera moves from caption words, so
 * a `--camera` flag becomes the canonical camera phrase, appended to the prompt. A prompt that already
 * names a different camera move is a contradiction and fails; one that names the same move is left alone.
 */
import { CinesimError, ERRORS } from '../errors.ts';
import { promptLanguage } from './lexicon.ts';
import { parsePrompt } from './parser.ts';
import { CAMERA_MOVES, CAMERA_NAMES, isOneOf, type CameraMove, type Language } from './vocabulary.ts';

export function withCamera(prompt: string, camera: string, lang: Language = promptLanguage(prompt)): string {
  if (!isOneOf(CAMERA_MOVES, camera)) {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `camera must be one of ${CAMERA_MOVES.join(', ')}, got "${camera}"`, { param: 'camera' });
  }
  const stated = parsePrompt(prompt).camera;
  if (stated === camera) return prompt;
  if (stated !== undefined) {
    throw new CinesimError(ERRORS.PROMPT_INVALID, `the prompt says the camera is "${stated}" but the camera control says "${camera}"; keep one`, {
      param: 'camera',
    });
  }
  const phrase = CAMERA_NAMES[camera as CameraMove][lang];
  return lang === 'zh' ? `${prompt.replace(/[。.\s]+$/u, '')}，${phrase}` : `${prompt.replace(/[.\s]+$/, '')}, ${phrase}`;
}
