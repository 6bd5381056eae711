/** The terminal screen of `cinesim play`: half-block drawing, fitting, and reading raw keys. */
import { describe, expect, it } from 'vitest';
import { fitScale, HalfBlockCanvas, halfBlockFrame, parseKeys } from '../../src/cli/terminal.ts';

describe('halfBlockFrame', () => {
  it('draws two pixels per cell, top as foreground and bottom as background, colours only when they change', () => {
    // 2×2: red, green / blue, blue.
    const frame = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255]);
    expect(halfBlockFrame(frame, 2, 2)).toBe('\x1b[38;2;255;0;0m\x1b[48;2;0;0;255m▀\x1b[38;2;0;255;0m▀\x1b[0m');
  });

  it('scales up by repeating pixels, down by keeping every other one, and draws an odd last row over black', () => {
    const frame = new Uint8Array(4 * 4 * 3).fill(200);
    const lines = (s: string) => s.split('\n');
    const cells = (line: string) => line.split('▀').length - 1;
    expect(lines(halfBlockFrame(frame, 4, 4, 2)).map(cells)).toEqual([8, 8, 8, 8]);
    expect(lines(halfBlockFrame(frame, 4, 4, 0.5)).map(cells)).toEqual([2]);
    const odd = halfBlockFrame(new Uint8Array(1 * 3 * 3).fill(9), 1, 3);
    expect(lines(odd)[1]).toBe('\x1b[38;2;9;9;9m\x1b[48;2;0;0;0m▀\x1b[0m');
  });

  it('fits the terminal, leaving room for the status lines', () => {
    expect(fitScale(64, 64, 140, 40)).toBe(1);
    expect(fitScale(64, 64, 300, 100)).toBe(3);
    expect(fitScale(64, 64, 80, 24)).toBe(0.5);
  });
});

describe('HalfBlockCanvas', () => {
  it('draws everything once, then only the cells that changed beyond the tolerance', () => {
    const frame = new Uint8Array(4 * 4 * 3).fill(100);
    const canvas = new HalfBlockCanvas(4, 4, 1, 4);
    expect(canvas.render(frame).split('▀').length - 1).toBe(8);
    expect(canvas.render(frame)).toBe('');
    const next = frame.slice();
    next[(3 * 4 + 2) * 3] = 103; // within tolerance: nothing to write
    expect(canvas.render(next)).toBe('');
    next[(3 * 4 + 2) * 3] = 200; // pixel (x 2, y 3): the bottom half of cell row 2, column 3
    expect(canvas.render(next)).toBe('\x1b[2;3H\x1b[38;2;100;100;100m\x1b[48;2;200;100;100m▀\x1b[0m');
  });
});

describe('parseKeys', () => {
  it('reads arrows (both cursor modes), text, Enter, Backspace, Ctrl-C and a lone Escape', () => {
    expect(parseKeys('\x1b[A\x1bOD')).toEqual([{ name: 'up' }, { name: 'left' }]);
    expect(parseKeys('night 天黑\r')).toEqual([...[...'night 天黑'].map((char) => ({ name: 'char', char })), { name: 'enter' }]);
    expect(parseKeys('\x7f\x03\x1b')).toEqual([{ name: 'backspace' }, { name: 'interrupt' }, { name: 'escape' }]);
  });

  it('drops escape sequences it does not know instead of typing them', () => {
    expect(parseKeys('\x1b[15~q\x1b[1;5Cd')).toEqual([{ name: 'char', char: 'q' }, { name: 'char', char: 'd' }]);
  });
});
