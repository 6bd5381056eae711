import { describe, expect, it } from 'vitest';
import { withCamera } from '../../src/world/controls.ts';
import { parsePrompt } from '../../src/world/parser.ts';
import { CAMERA_MOVES } from '../../src/world/vocabulary.ts';

describe('withCamera', () => {
  it('adds every camera move as a phrase the parser reads back, in both languages', () => {
    for (const move of CAMERA_MOVES) {
      expect(parsePrompt(withCamera('a red ball bounces on green grass', move)).camera).toBe(move);
      expect(parsePrompt(withCamera('一个红色的球在草地上弹跳', move)).camera).toBe(move);
    }
  });

  it('leaves a prompt that already says the same move alone, and rejects a contradiction', () => {
    expect(withCamera('a red ball, the camera zooms in', 'zoom-in')).toBe('a red ball, the camera zooms in');
    expect(() => withCamera('a red ball, the camera zooms in', 'pan-left')).toThrow(/says the camera is "zoom-in"/);
    expect(() => withCamera('a red ball', 'orbit')).toThrow(/camera must be one of/);
  });
});
