/**
 * The runtime attachment: comms inside a *stock* tslab 1.0.22 kernel, patched from library code.
 *
 * tslab keeps its server, sockets and key out of reach, but its receive loops call
 * `this.handleShellMessage(...)` for each message, so replacing that prototype method (and
 * `handleExecute`) takes effect for the running server from its next message. The cell that
 * attaches is already running, so its iopub socket and request are found with a probe: for one
 * call, zeromq's `Publisher.prototype.send` is shadowed, the cell's display writer is called, and
 * the socket and frames it would send are kept (the probe itself is never sent).
 *
 * Every step is feature-detected; {@link attachToStockTslab} returns a reason instead of a layer
 * when anything differs from tslab 1.0.22.
 * @module
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { CommLayer } from "./layer";
import { ZmqPort, serializeSends } from "./port";
import type { FrameSender } from "./port";
import { executeWithParents, handleShellFrames, runningCellParent } from "./tslab";
import type { TslabMessage, TslabServer, WriteDisplayData } from "./tslab";
import { DELIMITER } from "./wire";
import type { MessageHeader } from "./wire";

/** The only tslab version whose internals the patch is written against. */
export const SUPPORTED_TSLAB = "1.0.22";

const PATCHED: unique symbol = Symbol.for("scitacean-ts.comm.stock-patch");

type JupyterModule = {
  ZmqServer: { prototype: Record<string, unknown> & { [PATCHED]?: boolean } };
  lastWriteDisplayData: WriteDisplayData | null;
};
type ZmqServerProto = {
  handleShellMessage(this: TslabServer, socket: FrameSender, ...frames: Buffer[]): unknown;
  handleExecute(this: TslabServer, socket: unknown, msg: TslabMessage): Promise<void>;
};

/**
 * Attaches a new comm layer to the stock tslab kernel this code runs in, or says why it cannot.
 * Must be called while a cell runs (it probes that cell's output channel).
 *
 * @param log - where the layer reports problems (the kernel's stderr).
 */
export function attachToStockTslab(log: (text: string) => void): CommLayer | string {
  const tslabRequire = (globalThis as { __tslab__?: { require?: (id: string) => unknown } }).__tslab__?.require;
  if (typeof tslabRequire !== "function") return "this is not a tslab kernel";
  let tslab: unknown;
  try {
    tslab = tslabRequire("tslab");
  } catch {
    return "the running tslab cannot be found";
  }
  const main = Object.values(require.cache).find((m) => m?.exports === tslab);
  if (main === undefined) return "the running tslab's files cannot be found";
  const dist = path.dirname(main.filename);
  let version: string | undefined;
  try {
    version = (JSON.parse(readFileSync(path.join(dist, "..", "package.json"), "utf8")) as { version?: string }).version;
  } catch {
    version = undefined;
  }
  if (version !== SUPPORTED_TSLAB) return `this kernel runs tslab ${version ?? "(unknown version)"}, not ${SUPPORTED_TSLAB}`;
  const jupyter = require.cache[path.join(dist, "jupyter.js")]?.exports as JupyterModule | undefined;
  const proto = jupyter?.ZmqServer?.prototype;
  if (typeof proto?.handleShellMessage !== "function" || typeof proto.handleExecute !== "function") {
    return "tslab's server is not the one this package knows";
  }
  const write = jupyter?.lastWriteDisplayData;
  if (typeof write !== "function") return "no cell is running (widgets must be created in a cell)";
  let publisher: { prototype: object } | undefined;
  let router: { prototype: object } | undefined;
  try {
    const zmqPath = require.resolve("zeromq", { paths: [dist] });
    const zmq = require.cache[zmqPath]?.exports as { Publisher?: { prototype: object }; Router?: { prototype: object } } | undefined;
    publisher = zmq?.Publisher;
    router = zmq?.Router;
  } catch {
    publisher = undefined;
  }
  if (publisher === undefined) return "tslab's zeromq cannot be found";
  const key = connectionKey();
  if (key === undefined) return "the kernel's connection file cannot be read";
  const probe = probeCell(publisher.prototype, write);
  if (probe === undefined) return "the running cell's output channel cannot be found";

  let iopub: FrameSender = probe.socket;
  serializeSends(publisher.prototype);
  if (router !== undefined) serializeSends(router.prototype);
  const layer = new CommLayer(
    new ZmqPort(() => iopub, () => key, log),
    "stock-tslab",
    log,
  );
  // Before the first patched execute, the attaching cell is the running one.
  layer.setFallbackParent(() => runningCellParent(jupyter!.lastWriteDisplayData) ?? (jupyter!.lastWriteDisplayData === write ? probe.parent : undefined));
  patchServer(proto as unknown as ZmqServerProto & { [PATCHED]?: boolean }, layer, (server) => (iopub = server.iopub), log);
  return layer;
}

function patchServer(
  proto: ZmqServerProto & { [PATCHED]?: boolean },
  layer: CommLayer,
  seen: (server: TslabServer) => void,
  log: (text: string) => void,
): void {
  if (proto[PATCHED]) return;
  const originalShell = proto.handleShellMessage;
  proto.handleShellMessage = function (this: TslabServer, socket: FrameSender, ...frames: Buffer[]): void {
    seen(this);
    const port = new ZmqPort(() => this.iopub, () => this.connInfo.key, log);
    handleShellFrames(this, socket, frames, layer, port, (f) => originalShell.call(this, socket, ...f));
  };
  proto.handleExecute = function (this: TslabServer, socket: unknown, msg: TslabMessage): Promise<void> {
    return executeWithParents(this, socket, msg, layer);
  };
  Object.defineProperty(proto, PATCHED, { value: true });
}

/** The HMAC key from the connection file named by `--config-path` on the kernel's command line. */
function connectionKey(): string | undefined {
  const argv = process.argv;
  const at = argv.indexOf("--config-path");
  const file = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith("--config-path="))?.slice("--config-path=".length);
  if (file === undefined) return undefined;
  try {
    const key = (JSON.parse(readFileSync(file, "utf8")) as { key?: unknown }).key;
    return typeof key === "string" ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls the running cell's display writer once with zeromq's `send` shadowed, and returns the
 * socket it used and the parent header it set (the cell's execute request). Nothing is sent.
 */
function probeCell(publisherProto: object, write: WriteDisplayData): { socket: FrameSender; parent: MessageHeader } | undefined {
  let captured: { socket: FrameSender; frames: Buffer[] } | undefined;
  const own = Object.getOwnPropertyDescriptor(publisherProto, "send");
  Object.defineProperty(publisherProto, "send", {
    configurable: true,
    writable: true,
    value: function (this: FrameSender, frames: Buffer[]): Promise<void> {
      captured ??= { socket: this, frames };
      return Promise.resolve();
    },
  });
  try {
    write({ data: { "application/x.scitacean-ts.probe": "" }, metadata: {}, transient: {} }, false);
  } catch {
    captured = undefined;
  } finally {
    if (own) Object.defineProperty(publisherProto, "send", own);
    else delete (publisherProto as { send?: unknown }).send;
  }
  if (captured === undefined) return undefined;
  // frames: [routing identities tslab copies from the request], <IDS|MSG>, signature, header, parent header, ...
  const at = captured.frames.findIndex((f) => f.equals(DELIMITER));
  try {
    const parent = JSON.parse(String(captured.frames[at + 3])) as MessageHeader;
    return { socket: captured.socket, parent };
  } catch {
    return undefined;
  }
}
