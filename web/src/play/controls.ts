/**
 * Which action the player holds: keys (arrows, WASD) and the on-screen buttons, each a source that holds
 * one action while pressed. The newest press wins, and releasing it returns to the one held before, as in
 * most games (hold → then tap ←: left while ← is down, right again after).
 */

/** Keys the page takes (by KeyboardEvent.code, so WASD works on any layout) → the game's actions. */
export const KEY_ACTIONS: Readonly<Record<string, string>> = {
  ArrowLeft: 'left',
  KeyA: 'left',
  ArrowRight: 'right',
  KeyD: 'right',
  ArrowUp: 'up',
  KeyW: 'up',
  ArrowDown: 'down',
  KeyS: 'down',
};

export class HeldActions {
  /** source → action, in press order. */
  private readonly held = new Map<string, string>();

  press(source: string, action: string): string {
    this.held.delete(source);
    this.held.set(source, action);
    return this.current;
  }

  release(source: string): string {
    this.held.delete(source);
    return this.current;
  }

  releaseAll(): string {
    this.held.clear();
    return this.current;
  }

  get current(): string {
    let last = 'none';
    for (const action of this.held.values()) last = action;
    return last;
  }
}

/** Whether a key event belongs to a text field (or another control that uses arrows) rather than the game. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}
