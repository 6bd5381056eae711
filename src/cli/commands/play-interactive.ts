/**
 * The interactive half of `cinesim play`: a fixed-rate loop that steps the world with whatever the keys
 * say, draws each frame in the terminal, and shows frames per second, step time and input-to-frame latency.
 *
 * Terminals send key presses and repeats but no releases, so a movement key acts for HOLD_MS after its
 * last press: a tap moves a little, a held key (auto-repeat) keeps moving.
 */
import type { WorldStepper } from '../../engine/world/stepper.ts';
import { isCinesimError } from '../../errors.ts';
import { describeGameEvent, parseGameEvent, type GameEvent } from '../../world/game-events.ts';
import { TerminalScreen, type Key } from '../terminal.ts';
import { meanAndP95 } from '../../util/math.ts';
import type { PlayStats } from './play.ts';

/** How long a movement key keeps acting after its last press (covers the terminal's first repeat delay). */
export const HOLD_MS = 300;

/** WASD and space, besides the arrow keys. */
const CHAR_ACTIONS: Readonly<Record<string, string>> = { w: 'up', a: 'left', s: 'down', d: 'right', ' ': 'up' };

/** Status messages (events, errors) stay this long. */
const MESSAGE_MS = 4000;

export interface InteractivePlayOptions {
  readonly stepper: WorldStepper;
  readonly startFrame: Uint8Array;
  readonly targetFps: number;
  readonly scale?: number;
  /** Every frame shown is appended (for --record). */
  readonly recorded: Uint8Array[];
  readonly title: string;
}

/** A key press not yet seen on screen, for the latency figure. */
interface Pending {
  readonly at: number;
  readonly action?: string;
  readonly event?: GameEvent;
}

export async function interactivePlay(options: InteractivePlayOptions): Promise<PlayStats> {
  const { stepper, targetFps, recorded } = options;
  const screen = new TerminalScreen(process.stdin, process.stdout);
  const stepMs: number[] = [];
  const latencyMs: number[] = [];
  const actions: string[] = [];
  let held: { action: string; until: number } | undefined;
  let typing: string | undefined; // event text being typed, when the prompt is open
  let nextEvent: GameEvent | undefined;
  let pending: Pending | undefined;
  let message: { text: string; until: number } | undefined;
  let quit = false;
  let restart = false;

  const say = (text: string) => (message = { text, until: performance.now() + MESSAGE_MS });

  const onKeys = (keys: Key[]) => {
    const now = performance.now();
    for (const key of keys) {
      if (key.name === 'interrupt') quit = true;
      else if (typing !== undefined) {
        if (key.name === 'escape') typing = undefined;
        else if (key.name === 'backspace') typing = typing.slice(0, -1);
        else if (key.name === 'char') typing += key.char;
        else if (key.name === 'enter') {
          const text = typing.trim();
          typing = undefined;
          if (text === '') continue;
          try {
            nextEvent = parseGameEvent(text);
            pending = { at: now, event: nextEvent };
            say(`event: ${describeGameEvent(nextEvent)}`);
          } catch (error) {
            if (!isCinesimError(error)) throw error;
            say(`✗ ${error.message}`);
          }
        }
      } else {
        const action = key.name === 'char' ? CHAR_ACTIONS[key.char.toLowerCase()] : ARROWS[key.name];
        if (action !== undefined) {
          if (held?.action !== action || now > held.until) pending = { at: now, action };
          held = { action, until: now + HOLD_MS };
        } else if (key.name === 'char' && (key.char === '/' || key.char === 'e')) typing = '';
        else if (key.name === 'char' && key.char === 'q') quit = true;
        else if (key.name === 'char' && key.char === 'r') restart = true;
      }
    }
  };

  const frameTimes: number[] = []; // when recent frames were shown, for the fps counter
  const draw = (frame: Uint8Array, status: string) => {
    const prompt = typing !== undefined ? `event> ${typing}▏  (enter fires it, esc cancels)` : message && performance.now() < message.until ? message.text : '';
    screen.draw(frame, stepper.width, stepper.height, [status, prompt], options.scale);
  };

  let t0 = performance.now();
  screen.open(onKeys);
  try {
    draw(options.startFrame, `${options.title} — ←↑→↓/WASD move · / event · r restart · q quit`);
    t0 = performance.now();
    const budget = 1000 / targetFps;
    let due = performance.now(); // when this frame's step should start: deadlines, so small delays do not add up
    while (!quit) {
      const tick = performance.now();
      if (restart) {
        restart = false;
        stepper.reset(options.startFrame);
        recorded.push(options.startFrame);
        say('restarted');
      }
      const action = held !== undefined && tick <= held.until ? held.action : 'none';
      const event = nextEvent ?? null;
      nextEvent = undefined;
      const shows = pending !== undefined && (pending.event !== undefined ? pending.event === event : pending.action === action) ? pending : undefined;

      const frame = await stepper.step(action, event);
      const stepped = performance.now();
      stepMs.push(stepped - tick);
      actions.push(action);
      recorded.push(frame);

      frameTimes.push(stepped);
      while (frameTimes.length > 0 && frameTimes[0] < stepped - 1000) frameTimes.shift();
      const recent = meanAndP95(stepMs.slice(-48));
      const latency = meanAndP95(latencyMs.slice(-16));
      draw(
        frame,
        `${frameTimes.length} fps · step ${recent.mean.toFixed(0)} ms · latency ${latencyMs.length > 0 ? `${latency.mean.toFixed(0)} ms` : '–'} · ` +
          `frame ${stepper.frameIndex} · ${action}${event ? ' + event' : ''} · ${options.title}`,
      );
      if (shows !== undefined) {
        latencyMs.push(performance.now() - shows.at);
        if (pending === shows) pending = undefined;
      }
      // Keep to the target rate; a slower model simply runs as fast as it can.
      // A frame that ran late is made up by the next ones, unless the model is more than a frame behind.
      due += budget;
      if (due < performance.now() - budget) due = performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
  } finally {
    screen.close();
  }
  return { frames: stepMs.length, seconds: (performance.now() - t0) / 1000, stepMs, latencyMs, actions };
}

const ARROWS: Readonly<Partial<Record<Key['name'], string>>> = { up: 'up', down: 'down', left: 'left', right: 'right' };
