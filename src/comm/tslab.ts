/**
 * What both tslab attachments (our kernel entry and the runtime patch of a stock tslab 1.0.22
 * kernel) do the same way: take comm messages off the shell and control sockets before tslab
 * sees them, and run cells with their execute request as the current parent header.
 * @module
 */
import type { CommLayer } from "./layer";
import type { FrameSender } from "./port";
import { ZmqPort } from "./port";
import { parseFrames, withoutBuffers } from "./wire";
import type { MessageHeader } from "./wire";

/** tslab's `ZmqMessage` as far as its `handleExecute` uses it. */
export interface TslabMessage {
  header: MessageHeader;
  content: unknown;
  createReply(): { header: { msg_type: string }; content: unknown; signAndSend(key: string, socket: unknown): void };
}

/** A cell's display writer, as tslab keeps it in `jupyter.lastWriteDisplayData`. */
export type WriteDisplayData = (data: object, update: boolean) => void;
type WriteStream = (name: string, text: string) => void;

/** The parts of tslab's `ZmqServer` that the attachments use. */
export interface TslabServer {
  connInfo: { key: string };
  iopub: FrameSender;
  handler: {
    handleExecute(content: never, writeStream: WriteStream, writeDisplayData: WriteDisplayData): Promise<unknown>;
  };
}

/** The shell message types tslab 1.0.22 answers itself (its `comm_info_request` stub excepted). */
const TSLAB_TYPES = new Set([
  "kernel_info_request",
  "execute_request",
  "is_complete_request",
  "inspect_request",
  "complete_request",
  "shutdown_request",
]);

/**
 * Handles one message from the shell or control socket: comm messages go to `layer`, with their
 * binary buffers; messages tslab knows go to `tslab` without buffers (tslab's own HMAC check
 * would reject them); anything else, or anything malformed, is logged to the kernel's log and
 * ignored, instead of tslab's warning that lands in the last cell's output.
 */
export function handleShellFrames(
  server: TslabServer,
  socket: FrameSender,
  frames: Buffer[],
  layer: CommLayer,
  port: ZmqPort,
  tslab: (frames: Buffer[]) => unknown,
): void {
  let msg;
  try {
    msg = parseFrames(frames, server.connInfo.key);
  } catch (error) {
    layer.log(`ignored a message that is not valid: ${(error as Error).message}`);
    return;
  }
  const type = msg.header.msg_type;
  if (layer.handles(type)) {
    layer.handleMessage(msg, port.replier(socket, msg));
  } else if (TSLAB_TYPES.has(type)) {
    Promise.resolve()
      .then(() => tslab(withoutBuffers(frames)))
      .catch((error: unknown) => layer.log(`tslab failed on ${type}: ${String(error)}`));
  } else {
    layer.publish("status", { execution_state: "busy" }, { parent: msg.header });
    layer.log(`ignored a ${type} message: not supported by this kernel`);
    layer.publish("status", { execution_state: "idle" }, { parent: msg.header });
  }
}

/**
 * tslab's `ZmqServer.handleExecute`, with output routed by parent header: the cell runs with its
 * request as the current parent (so async work it starts keeps it, see
 * {@link CommLayer.runWithParent}), and its stream and display writers publish under whatever
 * parent is current when they are called. tslab points `process.stdout.write` at the *latest*
 * cell's writer; asking the async context instead sends a late `console.log` of an earlier cell's
 * timer to that earlier cell, and a `console.log` in a widget handler to the comm message.
 *
 * @param onCell - called with the cell's display writer and a publisher of messages under the
 *   current parent, before the cell runs (our kernel keys its `execute_result` sender on it).
 */
export async function executeWithParents(
  server: TslabServer,
  socket: unknown,
  msg: TslabMessage,
  layer: CommLayer,
  onCell?: (write: WriteDisplayData, publish: (msgType: string, content: object) => void) => void,
): Promise<void> {
  const publish = (msgType: string, content: object): void => layer.publish(msgType, content, { parent: layer.currentParent() });
  const writeStream: WriteStream = (name, text) => publish("stream", { name, text });
  const writeDisplayData: WriteDisplayData = (data, update) => publish(update ? "update_display_data" : "display_data", data);
  cellParents.set(writeDisplayData, msg.header);
  onCell?.(writeDisplayData, publish);
  const content = await layer.runWithParent(msg.header, () =>
    server.handler.handleExecute(msg.content as never, writeStream, writeDisplayData),
  );
  const reply = msg.createReply();
  reply.header.msg_type = "execute_reply";
  reply.content = content;
  reply.signAndSend(server.connInfo.key, socket);
}

/** The request of each cell run by {@link executeWithParents}, keyed by its display writer. */
const cellParents = new WeakMap<WriteDisplayData, MessageHeader>();

/**
 * The request of the cell tslab is running now, found through the display writer tslab keeps
 * for it (`jupyter.lastWriteDisplayData`): the parent for output made outside any async context
 * the layer knows of.
 */
export function runningCellParent(write: WriteDisplayData | null | undefined): MessageHeader | undefined {
  return write ? cellParents.get(write) : undefined;
}
