import { describe, expect, it } from 'vitest';
import { replaceSection, setTopLevelValue } from '../../src/eval/publish.ts';

describe('replaceSection', () => {
  it('appends a model section, then replaces only it', () => {
    const page = '# Results\n\nintro\n';
    const once = replaceSection(page, 'a', 'first');
    const both = replaceSection(once, 'b', 'other');
    const again = replaceSection(both, 'a', 'second');
    expect(again).toBe('# Results\n\nintro\n\n<!-- results:a -->\nsecond\n<!-- /results:a -->\n\n<!-- results:b -->\nother\n<!-- /results:b -->\n');
  });
});

describe('setTopLevelValue', () => {
  // Python's json.dumps(indent=2) spelling, which a JS re-serialisation would change (4.0 → 4, 1e-06 → 0.000001).
  const manifest = '{\n  "name": "m \\" {metrics}",\n  "sampling": {\n    "guidance": 4.0,\n    "metrics": 1e-06\n  },\n  "metrics": {}\n}\n';

  it('replaces the top-level value only, leaving every other byte as it was', () => {
    const out = setTopLevelValue(manifest, 'metrics', { a: 1, b: [2] });
    expect(out).toBe('{\n  "name": "m \\" {metrics}",\n  "sampling": {\n    "guidance": 4.0,\n    "metrics": 1e-06\n  },\n  "metrics": {\n    "a": 1,\n    "b": [\n      2\n    ]\n  }\n}\n');
  });

  it('replaces a key in the middle and appends a missing one', () => {
    expect(setTopLevelValue('{\n  "a": [1, {"b": 2}],\n  "c": 3\n}', 'a', 5)).toBe('{\n  "a": 5,\n  "c": 3\n}');
    expect(setTopLevelValue('{\n  "a": 1\n}\n', 'metrics', {})).toBe('{\n  "a": 1,\n  "metrics": {}\n}\n');
    expect(JSON.parse(setTopLevelValue('{}', 'k', 1))).toEqual({ k: 1 });
  });
});
