/**
 * The comm layer: Jupyter comms (`comm_open`, `comm_msg`, `comm_close`, `comm_info_request`)
 * on top of any {@link KernelPort}, independent of how it is attached to a kernel.
 *
 * Parent headers are tracked with `AsyncLocalStorage`: a comm handler runs with the comm message
 * as its parent, and a cell (when the attachment runs it through {@link CommLayer.runWithParent})
 * with its execute request, so output of async work lands where the work was started.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import type { KernelPort, PublishOptions, ReplyFn } from "./port";
import type { IncomingMessage, JsonObject, JsonValue, MessageHeader } from "./wire";

/** Called with each `comm_msg` the front end sends on a comm. */
export type CommMessageHandler = (data: JsonObject, buffers: Buffer[], msg: IncomingMessage) => void | Promise<void>;
/** Called when a comm is closed, by either side. */
export type CommCloseHandler = (data: JsonObject, msg: IncomingMessage | undefined) => void;
/** Called when the front end opens a comm on a registered target. */
export type CommTargetHandler = (comm: Comm, data: JsonObject, buffers: Buffer[], msg: IncomingMessage) => void | Promise<void>;

/** Options of a message sent on a comm. */
export interface CommSendOptions {
  metadata?: JsonObject;
  buffers?: readonly Uint8Array[];
  /** Parent header; by default the current one (see {@link CommLayer.currentParent}). */
  parent?: Partial<MessageHeader>;
}

/** One end of a comm, kernel side. Made by {@link CommLayer.openComm} or by a front end's `comm_open`. */
export class Comm {
  private readonly messageHandlers = new Set<CommMessageHandler>();
  private readonly closeHandlers = new Set<CommCloseHandler>();
  private isClosed = false;

  /** @internal Use {@link CommLayer.openComm}. */
  constructor(
    private readonly layer: CommLayer,
    /** The comm id (for widgets, the model id). */
    readonly id: string,
    /** The target the comm was opened on. */
    readonly targetName: string,
  ) {}

  /** True once either side closed the comm. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Sends `comm_msg` with `data` (and binary `buffers`) to the front end; ignored once closed. */
  send(data: JsonObject, options: CommSendOptions = {}): void {
    if (this.isClosed) return;
    this.layer.publish("comm_msg", { comm_id: this.id, data }, this.layer.publishOptions(options));
  }

  /** Closes the comm, telling the front end with `comm_close`. Closing twice does nothing. */
  close(data: JsonObject = {}, options: CommSendOptions = {}): void {
    if (this.isClosed) return;
    this.layer.publish("comm_close", { comm_id: this.id, data }, this.layer.publishOptions(options));
    this.closed_(data, undefined);
  }

  /** Calls `handler` with every `comm_msg` from the front end; returns a function that stops it. */
  onMessage(handler: CommMessageHandler): () => void {
    this.messageHandlers.add(handler);
    return () => this.messageHandlers.delete(handler);
  }

  /** Calls `handler` once the comm closes (either side); returns a function that stops it. */
  onClose(handler: CommCloseHandler): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  /** @internal Delivers a front-end message to the handlers. */
  deliver(data: JsonObject, buffers: Buffer[], msg: IncomingMessage): void {
    for (const handler of [...this.messageHandlers]) this.layer.guard(`comm ${this.id}`, () => handler(data, buffers, msg));
  }

  /** @internal Marks the comm closed and tells the handlers. */
  closed_(data: JsonObject, msg: IncomingMessage | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.layer.forget(this.id);
    for (const handler of [...this.closeHandlers]) this.layer.guard(`comm ${this.id}`, () => handler(data, msg));
  }
}

/** Options of {@link CommLayer.openComm}. */
export interface OpenCommOptions extends CommSendOptions {
  /** `data` of the `comm_open` message. */
  data?: JsonObject;
  /** The comm id; a random one by default. */
  commId?: string;
}

/** The message types {@link CommLayer.handleMessage} takes. */
const COMM_TYPES = new Set(["comm_open", "comm_msg", "comm_close", "comm_info_request"]);

/**
 * Jupyter comms for one kernel. One instance per process is shared through a global (see
 * `src/comm/index.ts`), so that every copy of this package talks over the same comms.
 */
export class CommLayer {
  private readonly commsById = new Map<string, Comm>();
  private readonly targets = new Map<string, CommTargetHandler>();
  private readonly parents = new AsyncLocalStorage<Partial<MessageHeader>>();
  private fallbackParent: () => Partial<MessageHeader> | undefined = () => undefined;

  /**
   * @param port - where messages go.
   * @param attachment - how the layer is attached, for messages: `"kernel"` (our kernel entry),
   *   `"stock-tslab"` (runtime patch) or anything a test chooses.
   * @param log - where problems are reported; the kernel's own stderr (the Jupyter server
   *   log) by default, never a cell.
   */
  constructor(
    readonly port: KernelPort,
    readonly attachment: string,
    readonly log: (text: string) => void,
  ) {}

  /** Opens a comm from the kernel side (`comm_open` on iopub). */
  openComm(targetName: string, options: OpenCommOptions = {}): Comm {
    const id = options.commId ?? randomBytes(16).toString("hex");
    if (this.commsById.has(id)) throw new Error(`a comm with id ${id} is already open`);
    const comm = new Comm(this, id, targetName);
    this.commsById.set(id, comm);
    this.publish("comm_open", { comm_id: id, target_name: targetName, data: options.data ?? {} }, this.publishOptions(options));
    return comm;
  }

  /**
   * Lets the front end open comms on `targetName`; `handler` gets each new comm. Returns a
   * function that removes the target. Registering a target again replaces its handler.
   */
  registerTarget(targetName: string, handler: CommTargetHandler): () => void {
    this.targets.set(targetName, handler);
    return () => {
      if (this.targets.get(targetName) === handler) this.targets.delete(targetName);
    };
  }

  /** The open comms, optionally only those on `targetName`. */
  comms(targetName?: string): Comm[] {
    return [...this.commsById.values()].filter((c) => targetName === undefined || c.targetName === targetName);
  }

  /** True for the message types {@link handleMessage} takes. */
  handles(msgType: string): boolean {
    return COMM_TYPES.has(msgType);
  }

  /**
   * Handles one comm message from the front end, between `status: busy` and `status: idle`
   * with the message as parent, and with the message as the current parent while handlers run.
   * Malformed messages and failing handlers are logged and ignored; nothing is thrown.
   */
  handleMessage(msg: IncomingMessage, reply: ReplyFn): void {
    const parent = msg.header;
    this.publish("status", { execution_state: "busy" }, { parent });
    try {
      this.runWithParent(parent, () => this.dispatch(msg, reply));
    } catch (error) {
      this.log(`ignored ${msg.header.msg_type} ${msg.header.msg_id}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.publish("status", { execution_state: "idle" }, { parent });
    }
  }

  private dispatch(msg: IncomingMessage, reply: ReplyFn): void {
    const content = msg.content;
    switch (msg.header.msg_type) {
      case "comm_info_request": {
        const target = typeof content.target_name === "string" ? content.target_name : undefined;
        if (content.target_name !== undefined && target === undefined) this.log("comm_info_request: target_name is not a string; all comms listed");
        const comms: Record<string, { target_name: string }> = {};
        for (const comm of this.comms(target)) comms[comm.id] = { target_name: comm.targetName };
        reply("comm_info_reply", { status: "ok", comms });
        return;
      }
      case "comm_open": {
        const id = requireString(content, "comm_id");
        const targetName = requireString(content, "target_name");
        const handler = this.targets.get(targetName);
        if (handler === undefined || this.commsById.has(id)) {
          // As ipykernel: tell the front end at once that nobody is listening.
          this.publish("comm_close", { comm_id: id, data: {} }, { parent: msg.header });
          if (handler === undefined) this.log(`comm_open for unknown target ${JSON.stringify(targetName)}; closed`);
          return;
        }
        const comm = new Comm(this, id, targetName);
        this.commsById.set(id, comm);
        this.guard(`comm_open on ${targetName}`, () => handler(comm, objectOf(content.data), msg.buffers, msg));
        return;
      }
      case "comm_msg": {
        const comm = this.commsById.get(requireString(content, "comm_id"));
        if (comm === undefined) throw new Error(`no open comm ${JSON.stringify(content.comm_id)}`);
        comm.deliver(objectOf(content.data), msg.buffers, msg);
        return;
      }
      case "comm_close": {
        const comm = this.commsById.get(requireString(content, "comm_id"));
        if (comm === undefined) throw new Error(`no open comm ${JSON.stringify(content.comm_id)}`);
        comm.closed_(objectOf(content.data), msg);
        return;
      }
      default:
        throw new Error(`not a comm message`);
    }
  }

  /** Publishes one message on iopub. */
  publish(msgType: string, content: object, options: PublishOptions): void {
    this.port.publish(msgType, content, options);
  }

  /**
   * Sends a full MIME bundle as `display_data` (or `update_display_data` with `update`) under
   * the current parent. `displayId` lets a later update replace it.
   */
  display(bundle: Record<string, JsonValue | undefined>, options: { displayId?: string; update?: boolean } = {}): void {
    const data = Object.fromEntries(Object.entries(bundle).filter(([, v]) => v !== undefined));
    const transient = options.displayId === undefined ? {} : { display_id: options.displayId };
    this.publish(options.update ? "update_display_data" : "display_data", { data, metadata: {}, transient }, this.publishOptions({}));
  }

  /** Runs `fn` with `parent` as the current parent header, also in async work `fn` starts. */
  runWithParent<T>(parent: Partial<MessageHeader>, fn: () => T): T {
    return this.parents.run(parent, fn);
  }

  /**
   * Sets how to find the parent of output from code that runs outside any
   * {@link runWithParent}: the attachments answer with the cell tslab is running (e.g. the cell
   * that attached the layer at runtime, which started before the layer existed).
   */
  setFallbackParent(find: () => Partial<MessageHeader> | undefined): void {
    this.fallbackParent = find;
  }

  /** The parent for a message sent now: the current async context's, else the running cell's. */
  currentParent(): Partial<MessageHeader> {
    return this.parents.getStore() ?? this.fallbackParent() ?? {};
  }

  /** @internal Publish options with the default parent filled in. */
  publishOptions(options: CommSendOptions): PublishOptions {
    return { parent: options.parent ?? this.currentParent(), metadata: options.metadata, buffers: options.buffers };
  }

  /** @internal Drops a closed comm. */
  forget(id: string): void {
    this.commsById.delete(id);
  }

  /** @internal Runs a handler; its errors (thrown or rejected) are logged, never thrown. */
  guard(what: string, fn: () => unknown): void {
    try {
      const result = fn();
      if (result instanceof Promise) result.catch((error: unknown) => this.log(`${what}: handler failed: ${describe(error)}`));
    } catch (error) {
      this.log(`${what}: handler failed: ${describe(error)}`);
    }
  }
}

function requireString(content: JsonObject, key: string): string {
  const value = content[key];
  if (typeof value !== "string") throw new Error(`content.${key} is not a string`);
  return value;
}

function objectOf(value: JsonValue | undefined): JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
