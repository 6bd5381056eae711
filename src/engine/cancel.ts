/** Cancellation: an aborted AbortSignal becomes CinesimError(CANCELLED) at the next check point. */
import { CinesimError, ERRORS } from '../errors.ts';

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CinesimError(ERRORS.CANCELLED, 'generation cancelled', { cause: signal.reason });
}
