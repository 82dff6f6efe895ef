/**
 * The library's logger. Like Scitacean's `scitacean` logger it is quiet by
 * default: warnings and errors go to stderr, info and debug are dropped until
 * a handler is set with {@link setLogHandler}.
 */

export type LogLevel = "debug" | "info" | "warning" | "error";

/** Receives every log record. */
export type LogHandler = (level: LogLevel, message: string) => void;

const defaultHandler: LogHandler = (level, message) => {
  if (level === "warning") console.warn(`[scitacean] WARNING: ${message}`);
  else if (level === "error") console.error(`[scitacean] ERROR: ${message}`);
};

let handler: LogHandler = defaultHandler;

/**
 * Replaces the log handler; `null` restores the default. Returns the previous
 * handler so that tests and notebooks can restore it.
 */
export function setLogHandler(next: LogHandler | null): LogHandler {
  const previous = handler;
  handler = next ?? defaultHandler;
  return previous;
}

/** The logger used throughout the library. */
export const logger = {
  debug: (message: string): void => handler("debug", message),
  info: (message: string): void => handler("info", message),
  warn: (message: string): void => handler("warning", message),
  error: (message: string): void => handler("error", message),
};
