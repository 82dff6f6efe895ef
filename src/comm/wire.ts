/**
 * The Jupyter wire protocol, as far as the comm layer needs it: parsing received frames and
 * signing messages to send. Written here rather than reusing tslab's `ZmqMessage` because tslab
 * signs and verifies binary buffers as if they were JSON parts (Jupyter signs only header,
 * parent header, metadata and content), so any message with buffers fails its HMAC check.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The delimiter between ZeroMQ routing identities and the message proper. */
export const DELIMITER = Buffer.from("<IDS|MSG>");

/** A JSON value, as message contents and widget state hold them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** A Jupyter message header. */
export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/** A message received on the shell or control socket. */
export interface IncomingMessage {
  /** ZeroMQ routing identities; a reply must carry them back. */
  identities: Buffer[];
  header: MessageHeader;
  /** The sender's parent header; `{}` when there is none. */
  parentHeader: Partial<MessageHeader>;
  metadata: JsonObject;
  content: JsonObject;
  buffers: Buffer[];
}

/** A message to send. */
export interface OutgoingMessage {
  identities?: Buffer[];
  header: MessageHeader;
  parentHeader: Partial<MessageHeader>;
  metadata: JsonObject;
  content: object;
  buffers?: readonly Uint8Array[];
}

/** The protocol version this layer speaks (tslab reports the same). */
export const PROTOCOL_VERSION = "5.3";

/** A fresh header for a message of type `msgType` in `session`. */
export function newHeader(msgType: string, session: string): MessageHeader {
  return {
    msg_id: randomBytes(16).toString("hex"),
    msg_type: msgType,
    session,
    username: "kernel",
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
}

/** HMAC-SHA256 hex digest of the four signed parts; an empty key means "unsigned". */
function sign(key: string, parts: readonly Buffer[]): string {
  if (key === "") return "";
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/**
 * Parses the frames of one received message and checks its signature over header, parent
 * header, metadata and content only. Throws an `Error` saying what is wrong (no delimiter,
 * too few parts, bad signature, bad JSON) for anything that is not a valid message.
 */
export function parseFrames(frames: readonly Buffer[], key: string): IncomingMessage {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  if (at < 0) throw new Error("message has no <IDS|MSG> delimiter");
  if (frames.length < at + 6) throw new Error(`message has ${frames.length - at - 1} parts after the delimiter, needs 5`);
  const signature = String(frames[at + 1]);
  const signed = frames.slice(at + 2, at + 6);
  const expected = sign(key, signed);
  if (key !== "" && !sameDigest(signature, expected)) throw new Error("message signature (HMAC) does not match");
  const [header, parentHeader, metadata, content] = signed.map((part, i) => {
    const value = JSON.parse(part.toString("utf8")) as unknown;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new Error(`message part ${["header", "parent header", "metadata", "content"][i]} is not a JSON object`);
    }
    return value;
  });
  const h = header as Partial<MessageHeader>;
  if (typeof h.msg_type !== "string" || typeof h.msg_id !== "string") throw new Error("message header lacks msg_type or msg_id");
  return {
    identities: frames.slice(0, at),
    header: header as MessageHeader,
    parentHeader: parentHeader as Partial<MessageHeader>,
    metadata: metadata as JsonObject,
    content: content as JsonObject,
    buffers: frames.slice(at + 6),
  };
}

/** Constant-time comparison of two hex digests. */
function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The frames of `msg`, signed with `key`; buffers travel as raw frames after the signed parts. */
export function encodeFrames(msg: OutgoingMessage, key: string): Buffer[] {
  const signed = [msg.header, msg.parentHeader, msg.metadata, msg.content].map((part) => Buffer.from(JSON.stringify(part)));
  const buffers = (msg.buffers ?? []).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  return [...(msg.identities ?? []), DELIMITER, Buffer.from(sign(key, signed)), ...signed, ...buffers];
}

/**
 * The frames of `frames` without its buffers, for handing a message to code that cannot
 * handle them (tslab's own handlers). The signature stays valid: it never covered buffers.
 */
export function withoutBuffers(frames: readonly Buffer[]): Buffer[] {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  return at < 0 ? [...frames] : frames.slice(0, at + 6);
}
