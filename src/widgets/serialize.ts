/**
 * Widget state on the wire (protocol 2.1.0): binary values travel as message buffers, listed in
 * `buffer_paths`, and widget references as `"IPY_MODEL_<model id>"` strings.
 * @module
 */
import type { JsonObject, JsonValue } from "../comm";

/** Where a buffer goes in a state: keys of objects and indices of arrays. */
export type BufferPath = (string | number)[];

/** A state split into JSON, buffer paths and buffers, as `comm_open`/`update` carry it. */
export interface WireState {
  /** The state with binary values taken out. */
  state: JsonObject;
  /** Where each buffer goes back in the state. */
  bufferPaths: BufferPath[];
  /** The binary values, in the order of `bufferPaths`. */
  buffers: Uint8Array[];
}

/** The prefix of serialized widget references. */
export const MODEL_REF_PREFIX = "IPY_MODEL_";

/** Anything with a model id: serialized as a reference. */
export interface ModelRef {
  readonly modelId: string;
}

function isModelRef(value: unknown): value is ModelRef {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { modelId?: unknown }).modelId === "string" &&
    typeof (value as { close?: unknown }).close === "function"
  );
}

function asBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

/**
 * Serializes `state` (already in wire names): bytes are removed and listed (a key of an object is
 * deleted, a slot of an array becomes `null`, as ipywidgets does), widgets become references,
 * `undefined` becomes `null`, dates ISO strings.
 */
export function toWire(state: Record<string, unknown>): WireState {
  const bufferPaths: BufferPath[] = [];
  const buffers: Uint8Array[] = [];
  const walk = (value: unknown, path: BufferPath): JsonValue | undefined => {
    const bytes = asBytes(value);
    if (bytes !== undefined) {
      bufferPaths.push(path);
      buffers.push(bytes);
      return undefined;
    }
    if (value === undefined || value === null) return null;
    if (isModelRef(value)) return MODEL_REF_PREFIX + value.modelId;
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]) ?? null);
    if (typeof value === "object") {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) {
        const json = walk(item, [...path, key]);
        if (json !== undefined) out[key] = json;
      }
      return out;
    }
    if (typeof value === "number" && !Number.isFinite(value)) return null;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
    return String(value);
  };
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(state)) {
    const json = walk(value, [key]);
    if (json !== undefined) out[key] = json;
  }
  return { state: out, bufferPaths, buffers };
}

/**
 * Puts `buffers` back into `state` at `bufferPaths` (a copy; `state` is not changed). Paths that
 * do not fit the state are an error naming the path.
 */
export function fromWire(state: JsonObject, bufferPaths: unknown, buffers: readonly Buffer[]): Record<string, unknown> {
  const out = structuredClone(state) as Record<string, unknown>;
  if (bufferPaths === undefined || bufferPaths === null) return out;
  if (!Array.isArray(bufferPaths)) throw new Error("buffer_paths is not a list");
  bufferPaths.forEach((path: unknown, i) => {
    if (!Array.isArray(path) || path.length === 0 || !path.every((p) => typeof p === "string" || typeof p === "number")) {
      throw new Error(`buffer_paths[${i}] is not a path`);
    }
    const buffer = buffers[i];
    if (buffer === undefined) throw new Error(`buffer_paths[${i}] has no buffer (${buffers.length} came)`);
    let node: unknown = out;
    for (const step of path.slice(0, -1)) {
      node = (node as Record<string | number, unknown> | null)?.[step];
      if (typeof node !== "object" || node === null) throw new Error(`buffer_paths[${i}] ${JSON.stringify(path)} does not fit the state`);
    }
    (node as Record<string | number, unknown>)[path[path.length - 1] as string | number] = buffer;
  });
  return out;
}
