/**
 * A tslab kernel whose cells' last values render richly.
 *
 * Run as `node dist/display/kernel.js --config-path <connection file> [--js]` (see
 * `scripts/install-kernel.js`). It is tslab 1.0.22's `startKernel` rebuilt from tslab's exported
 * internals, with two differences: the executor's `log`, which tslab calls only for a cell's last
 * value, sends values implementing `Symbol.for("Jupyter.display")` as a real `execute_result`
 * (HTML + text, with `Out[n]`) instead of printing them; and the sockets are bound before they are
 * read (see `DisplayServer.init`). Everything else is stock tslab.
 *
 * tslab is resolved from this package's own `node_modules` (not from the notebook folder, unlike
 * `tslab kernel`), and cells run with the kernel's cwd, which Jupyter sets to the notebook's folder.
 * @module
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { createConverter } from "tslab/dist/converter";
import type { Converter } from "tslab/dist/converter";
import { createExecutor } from "tslab/dist/executor";
import type { ConverterSet } from "tslab/dist/executor";
import * as jupyter from "tslab/dist/jupyter";
import { CommLayer, installCommLayer, kernelLog } from "../comm";
import { ZmqPort, serializeSends } from "../comm/port";
import type { FrameSender } from "../comm/port";
import { executeWithParents, handleShellFrames, runningCellParent } from "../comm/tslab";
import type { TslabMessage, TslabServer } from "../comm/tslab";
import { KERNEL_HOOKS, toMimeBundle } from "./index";
import type { KernelHooks, MimeBundle } from "./index";

/** tslab's (unexported) message class, as `ZmqServer.handleExecute` receives it. */
type ZmqMessage = Parameters<jupyter.ZmqServer["handleExecute"]>[1];
type WriteDisplayData = NonNullable<typeof jupyter.lastWriteDisplayData>;

/** Converters are created lazily, as in tslab, because each one costs ~1 s and memory. */
class Converters implements ConverterSet {
  private nodeConv?: Converter;
  private browserConv?: Converter;
  constructor(private readonly isJS: boolean) {}
  get node(): Converter {
    return (this.nodeConv ??= createConverter({ isJS: this.isJS, isBrowser: false }));
  }
  get browser(): Converter {
    return (this.browserConv ??= createConverter({ isJS: this.isJS, isBrowser: true }));
  }
  close(): void {
    this.nodeConv?.close();
    this.browserConv?.close();
  }
}

/**
 * tslab's ZmqServer plus `execute_result` for the cell that is currently running, and Jupyter
 * comms (see `src/comm/`) on the shell and control sockets.
 */
class DisplayServer extends jupyter.ZmqServer {
  /** The comm layer; its port reads the iopub socket and key once `init` has set them. */
  readonly layer = new CommLayer(
    new ZmqPort(() => this.iopub as unknown as FrameSender | undefined, () => this.connInfo.key, kernelLog),
    "kernel",
    kernelLog,
  );

  /**
   * Maps each cell's display writer to a sender of that cell's `execute_result`. tslab itself
   * marks the running cell by setting `jupyter.lastWriteDisplayData` to its writer when the cell
   * leaves the execution queue, so we key on that instead of tracking the queue ourselves.
   */
  private readonly resultSenders = new WeakMap<WriteDisplayData, (bundle: MimeBundle) => void>();

  /**
   * tslab's `init`, in a safe order: bind every socket first, then start reading. tslab starts
   * its read loops before binding, and zeromq refuses a `receive()` on a socket whose bind has
   * not completed (EBUSY, "Socket is blocked by a bind or unbind operation"). A request that
   * arrives that early ends the loop, and the kernel never answers again; likewise publishing on
   * iopub while it is still binding fails. Jupyter's clients reconnect until the sockets are
   * bound, so nothing is lost by waiting.
   */
  override async init(): Promise<void> {
    this.connInfo = JSON.parse(readFileSync(this.configPath, "utf-8")) as typeof this.connInfo;
    const { transport, ip } = this.connInfo;
    // The zeromq that tslab itself loads, so that there is one native module in the process.
    const zmq = (await import(
      require.resolve("zeromq", { paths: [path.dirname(require.resolve("tslab/package.json"))] })
    )) as ZeroMq;
    serializeSends(zmq.Publisher.prototype);
    serializeSends(zmq.Router.prototype);
    this.iopub = new zmq.Publisher();
    this.shell = new zmq.Router();
    this.control = new zmq.Router();
    this.stdin = new zmq.Router();
    this.hb = new zmq.Reply();
    const bind = (socket: { bind(address: string): Promise<void> }, port: number): Promise<void> =>
      socket.bind(`${transport}://${ip}:${port}`);
    await Promise.all([
      bind(this.iopub, this.connInfo.iopub_port),
      bind(this.shell, this.connInfo.shell_port),
      bind(this.control, this.connInfo.control_port),
      bind(this.stdin, this.connInfo.stdin_port),
      bind(this.hb, this.connInfo.hb_port),
    ]);
    // As in tslab: each loop ends when its socket is closed; messages are handled concurrently.
    void serve(this.shell, (frames) => void this.handleShellMessage(this.shell, ...frames));
    void serve(this.control, (frames) => void this.handleShellMessage(this.control, ...frames));
    // A reply socket must finish sending before it can receive again.
    void serve(this.hb, (frames) => this.hb.send(frames));
  }

  /** Comm messages go to the comm layer (with their buffers), the rest to tslab. */
  override async handleShellMessage(sock: Parameters<jupyter.ZmqServer["handleShellMessage"]>[0], ...frames: Buffer[]): Promise<void> {
    const socket = sock as unknown as FrameSender;
    const port = this.layer.port as ZmqPort;
    handleShellFrames(this.asTslabServer(), socket, frames, this.layer, port, (f) => super.handleShellMessage(sock, ...f));
    return Promise.resolve();
  }

  /**
   * tslab's `handleExecute` with output routed by parent header (see `executeWithParents`),
   * which also registers the cell's `execute_result` sender.
   */
  override async handleExecute(sock: unknown, msg: ZmqMessage): Promise<void> {
    await executeWithParents(this.asTslabServer(), sock, msg as unknown as TslabMessage, this.layer, (write, publish) =>
      this.resultSenders.set(write, (bundle) =>
        publish("execute_result", {
          // Private in tslab's typings; it is the count of the cell now running.
          execution_count: (this.handler as unknown as { execCount: number }).execCount,
          data: definedEntries(bundle),
          metadata: {},
        }),
      ),
    );
  }

  private asTslabServer(): TslabServer {
    return this as unknown as TslabServer;
  }

  /** Sends `bundle` as the running cell's `execute_result`; false if no cell is running. */
  sendExecuteResult(bundle: MimeBundle): boolean {
    const current = jupyter.lastWriteDisplayData;
    const send = current ? this.resultSenders.get(current) : undefined;
    send?.(bundle);
    return send !== undefined;
  }
}

type ZeroMq = typeof import("zeromq");

/** Calls `handle` with every message `socket` receives (waiting for it), until the socket is closed. */
async function serve(socket: AsyncIterable<Buffer[]>, handle: (frames: Buffer[]) => void | Promise<void>): Promise<void> {
  try {
    for await (const frames of socket) await handle(frames);
  } catch (error) {
    console.error("Kernel socket stopped:", error);
  }
}

function definedEntries(bundle: MimeBundle): Record<string, unknown> {
  return Object.fromEntries(Object.entries(bundle).filter((e) => e[1] !== undefined));
}

/** Value of `--name <value>` or `--name=<value>` in `argv`. */
function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** Starts the kernel; mirrors tslab's `startKernel` (tslab/dist/main.js). */
export function startKernel(argv: readonly string[] = process.argv.slice(2)): void {
  const configPath = option(argv, "--config-path");
  if (!configPath) {
    console.error("usage: node kernel.js --config-path <connection file> [--js]");
    process.exit(2);
  }
  const jsKernel = argv.includes("--js");

  const convs = new Converters(jsKernel);
  void convs.node; // warm up, as tslab does, so the first cell is not slow
  let server: DisplayServer | undefined;
  const executor = createExecutor(process.cwd(), convs, {
    // tslab calls `log` only with a cell's last value.
    log: (value: unknown, ...rest: unknown[]) => {
      const bundle = rest.length === 0 ? toMimeBundle(value) : undefined;
      if (bundle !== undefined && server?.sendExecuteResult(bundle)) return;
      console.log(value, ...rest);
    },
    error: console.error,
  });
  server = new DisplayServer(new jupyter.JupyterHandlerImpl(executor, jsKernel), configPath);
  const layer = server.layer;
  // Output from code outside any cell's async context (rare: e.g. a native callback) goes to the
  // cell tslab is running, as in tslab.
  layer.setFallbackParent(() => runningCellParent(jupyter.lastWriteDisplayData as ((data: object, update: boolean) => void) | null));
  installCommLayer(layer);

  const hooks: KernelHooks = {
    displayBundle(bundle) {
      layer.display(bundle as Parameters<CommLayer["display"]>[0]);
      return true;
    },
    richLastValue: true,
  };
  (globalThis as { [KERNEL_HOOKS]?: KernelHooks })[KERNEL_HOOKS] = hooks;

  process.on("SIGINT", () => executor.interrupt());
  // As tslab: report instead of dying, so one bad callback does not kill the session.
  process.on("uncaughtException", (err) => console.error("UncaughtException:", err));
  process.on("unhandledRejection", (reason) => console.error("UnhandledPromiseRejection:", reason));
  // Without its sockets the kernel could never answer: exit, so that Jupyter reports it dead at once.
  server.init().catch((error: unknown) => {
    console.error("The kernel could not open its sockets:", error);
    process.exit(1);
  });
}

if (require.main === module) startKernel();
