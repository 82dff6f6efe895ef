/**
 * How the comm layer reaches the front end: a {@link KernelPort} publishes on iopub. The layer
 * knows nothing else about the kernel it runs in, so tests give it an in-process port and the
 * two tslab attachments give it a {@link ZmqPort}.
 * @module
 */
import { randomBytes } from "node:crypto";
import { encodeFrames, newHeader } from "./wire";
import type { IncomingMessage, JsonObject, MessageHeader } from "./wire";

/** Options of one published message. */
export interface PublishOptions {
  /** The parent header: the request this message answers or belongs to. */
  parent: Partial<MessageHeader>;
  metadata?: JsonObject;
  buffers?: readonly Uint8Array[];
}

/** The kernel side of the iopub channel. */
export interface KernelPort {
  /** Publishes one message on iopub. Must not throw: a lost message is logged by the port. */
  publish(msgType: string, content: object, options: PublishOptions): void;
}

/** Replies to one received message on the socket it arrived on. */
export type ReplyFn = (msgType: string, content: object) => void;

/** The part of a zeromq socket the port uses (zeromq 6's `send` returns a promise). */
export interface FrameSender {
  send(frames: Buffer[]): Promise<void> | void;
}

/** A random session id for messages the kernel starts itself. */
export const KERNEL_SESSION = randomBytes(16).toString("hex");

/** Sends `frames` on `socket`, logging instead of throwing when the socket refuses them. */
export function sendFrames(socket: FrameSender, frames: Buffer[], log: (text: string) => void): void {
  try {
    const sent = socket.send(frames);
    if (sent instanceof Promise) sent.catch((error: unknown) => log(`a message could not be sent: ${String(error)}`));
  } catch (error) {
    log(`a message could not be sent: ${String(error)}`);
  }
}

/**
 * A port on tslab's zeromq iopub socket. Socket and key are read on every send, because an
 * attachment may learn them after the layer is made (our kernel binds its sockets later; the
 * runtime attachment finds the socket from inside a running cell).
 */
export class ZmqPort implements KernelPort {
  constructor(
    private readonly iopub: () => FrameSender | undefined,
    private readonly key: () => string,
    private readonly log: (text: string) => void,
  ) {}

  publish(msgType: string, content: object, options: PublishOptions): void {
    const socket = this.iopub();
    if (socket === undefined) {
      this.log(`no iopub socket yet; ${msgType} dropped`);
      return;
    }
    const header = newHeader(msgType, options.parent.session ?? KERNEL_SESSION);
    const frames = encodeFrames(
      { header, parentHeader: options.parent, metadata: options.metadata ?? {}, content, buffers: options.buffers },
      this.key(),
    );
    sendFrames(socket, frames, this.log);
  }

  /** A {@link ReplyFn} for `to`, which arrived on `socket`. */
  replier(socket: FrameSender, to: IncomingMessage): ReplyFn {
    return (msgType, content) => {
      const header = newHeader(msgType, to.header.session);
      const frames = encodeFrames({ identities: to.identities, header, parentHeader: to.header, metadata: {}, content }, this.key());
      sendFrames(socket, frames, this.log);
    };
  }
}

const SERIALIZED: unique symbol = Symbol.for("scitacean-ts.comm.serialized-send");

/**
 * Makes every send on sockets of the class with prototype `socketProto` (tslab's and ours) wait
 * for the previous send on the same socket. zeromq 6 allows one send in progress per socket and
 * throws "Socket is busy writing" at a second; tslab never waits for its sends, which was
 * harmless with small messages but not next to megabyte buffers or a burst of comm traffic.
 * Sends keep their order. zeromq's socket objects are sealed, hence the prototype; applying it
 * twice does nothing.
 */
export function serializeSends(socketProto: object): void {
  const marked = socketProto as { [SERIALIZED]?: boolean; send?: (frames: Buffer[]) => Promise<void> };
  if (marked[SERIALIZED]) return;
  const send = marked.send;
  if (typeof send !== "function") throw new TypeError("not a zeromq socket class: it has no send()");
  const tails = new WeakMap<object, Promise<void>>();
  Object.defineProperty(socketProto, "send", {
    configurable: true,
    writable: true,
    value: function (this: object, frames: Buffer[]): Promise<void> {
      const sent = (tails.get(this) ?? Promise.resolve()).then(() => send.call(this, frames));
      tails.set(this, sent.catch(() => undefined));
      return sent;
    },
  });
  Object.defineProperty(socketProto, SERIALIZED, { value: true });
}
