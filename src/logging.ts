/**
 * The library's logger. Like Scitacean's `scitacean` logger it is quiet by
 * default: warnings and errors go to stderr, info and debug are dropped until
 * a handler is set with {@link setLogHandler}.
 */
import { boundText } from "./values/bounded";

/** How serious a log message is, from least to most. */
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

/**
 * The longest message the logger passes on. Values in messages are quoted
 * bounded already (`values/bounded.ts`); this is the last guard, so that no
 * message can flood a notebook, whatever it quotes.
 */
export const MAX_LOG_MESSAGE = 20_000;

const emit = (level: LogLevel, message: string): void => handler(level, boundText(message, MAX_LOG_MESSAGE));

/** The logger used throughout the library. */
export const logger = {
  debug: (message: string): void => emit("debug", message),
  info: (message: string): void => emit("info", message),
  warn: (message: string): void => emit("warning", message),
  error: (message: string): void => emit("error", message),
};
