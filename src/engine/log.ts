/**
 * The logger the engine writes warnings and diagnostics to. Callers pass their own (the CLI's, the server's
 * request logger); the default is the console. Kept as a plain interface so nothing in the engine holds a
 * global logger.
 */
export interface Logger {
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: Logger = {
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};
