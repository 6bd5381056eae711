/** Aspect ratios by name: what a size is called, and which of a model's sizes `--aspect` picks. */
import { describe, expect, it } from 'vitest';
import { sizeForAspect } from '../../src/cli/commands/generate.ts';
import { aspectRatio } from '../../src/cli/options.ts';
import { aspectName } from '../../src/util/aspect.ts';

describe('aspect ratios', () => {
  it('names a size by the common ratio it is near, else by its own numbers', () => {
    expect([aspectName(64, 64), aspectName(112, 64), aspectName(64, 112), aspectName(88, 64), aspectName(64, 88), aspectName(152, 64)]).toEqual(['1:1', '16:9', '9:16', '4:3', '3:4', '21:9']);
    expect(aspectName(80, 64)).toBe('80:64'); // 1.25: 6% from 4:3
  });

  it('picks the model size of the asked ratio, and says which ratios it has when it lacks one', () => {
    const sizes = [[64, 64], [112, 64], [64, 112]];
    expect(sizeForAspect(sizes, aspectRatio('9:16'))).toEqual({ width: 64, height: 112 });
    expect(() => sizeForAspect(sizes, aspectRatio('21:9'))).toThrow('the model has no 21:9 size; it makes 1:1 (64x64), 16:9 (112x64), 9:16 (64x112)');
    expect(() => aspectRatio('5:4')).toThrow(/--aspect must be one of 1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3, 21:9/);
  });
});
