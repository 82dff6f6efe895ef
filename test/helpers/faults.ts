/**
 * Tools of the fault-injection tests (test/faults): seeded randomness, a TCP
 * proxy whose network can be cut in different ways, an HTTP proxy that
 * answers chosen SciCat requests badly, and small mount helpers (root only).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type Server as HttpServer } from "node:http";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import * as path from "node:path";

// ---------------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------------

/** A small seeded generator (mulberry32): the same seed gives the same faults. */
export interface Rng {
  readonly seed: number;
  /** A number in [0, 1). */
  next(): number;
  /** A whole number in [min, max). */
  int(min: number, max: number): number;
}

/**
 * A generator seeded by `FAULT_SEED` if set, else by the clock; the seed is
 * printed so that a failing run can be repeated with `FAULT_SEED=<seed>`.
 */
export function seededRng(suite: string): Rng {
  const fromEnv = Number(process.env.FAULT_SEED);
  const seed = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Date.now() % 2 ** 31;
  process.stdout.write(`[faults] ${suite}: seed ${seed} (repeat with FAULT_SEED=${seed})\n`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed, next, int: (min, max) => min + Math.floor(next() * (max - min)) };
}

// ---------------------------------------------------------------------------------------------
// TCP proxy
// ---------------------------------------------------------------------------------------------

/** How the network between client and server fails. */
export type NetworkFault =
  /** Packets stop in both directions; both ends keep their sockets (a dead link, a sleeping laptop). */
  | "silent"
  /** The connections are reset (RST). */
  | "reset"
  /** The connections are closed (FIN), as by a server that ends them. */
  | "close";

/**
 * Forwards 127.0.0.1:`port` to a target port, and can cut the connections
 * it carries: {@link TcpProxy.cut}. With `newConnections: "blackhole"`, new
 * connections are accepted and then ignored too (the network stays down).
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #pairs = new Set<{ client: Socket; server: Socket; frozen: boolean }>();
  #blackhole = false;
  port = 0;

  private constructor(targetPort: number) {
    this.#server = createServer((client) => {
      client.on("error", () => undefined);
      if (this.#blackhole) {
        client.pause(); // Accepted, never answered.
        this.#pairs.add({ client, server: client, frozen: true });
        return;
      }
      const server = createConnection({ host: "127.0.0.1", port: targetPort });
      server.on("error", () => undefined);
      const pair = { client, server, frozen: false };
      this.#pairs.add(pair);
      const forward = (from: Socket, to: Socket): void => {
        from.on("data", (chunk: Buffer) => {
          if (!pair.frozen) to.write(chunk);
        });
        from.on("end", () => {
          if (!pair.frozen) to.end();
        });
        from.on("close", () => {
          if (!pair.frozen) to.destroy();
        });
      };
      forward(client, server);
      forward(server, client);
    });
  }

  /** Starts a proxy to `targetPort` on 127.0.0.1. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolve) => proxy.#server.listen(0, "127.0.0.1", resolve));
    proxy.port = (proxy.#server.address() as { port: number }).port;
    return proxy;
  }

  /** Number of connections carried so far and still open. */
  get connections(): number {
    return [...this.#pairs].filter((p) => !p.client.destroyed).length;
  }

  /**
   * Cuts the open connections. `newConnections`: whether later connections
   * get through (`"pass"`, the network is back) or hang (`"blackhole"`).
   */
  cut(fault: NetworkFault, newConnections: "pass" | "blackhole" = "pass"): void {
    this.#blackhole = newConnections === "blackhole";
    for (const pair of this.#pairs) {
      pair.frozen = true;
      if (fault === "silent") {
        // Nothing is read any more, so nothing moves; the sockets stay open.
        pair.client.pause();
        pair.server.pause();
      } else if (fault === "reset") {
        pair.client.resetAndDestroy();
        pair.server.resetAndDestroy();
      } else {
        pair.client.end();
        pair.server.end();
      }
    }
  }

  /** New connections get through again. */
  restore(): void {
    this.#blackhole = false;
  }

  async stop(): Promise<void> {
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.server.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP fault proxy
// ---------------------------------------------------------------------------------------------

/** A bad answer from SciCat (or from what stands between it and the client). */
export type HttpFault =
  | { kind: "status"; status: number } // e.g. 500 from SciCat, 502/504 with an HTML page from a gateway
  | { kind: "html" } // 200 with a login or error page instead of JSON
  | { kind: "malformed" } // 200 with broken JSON
  | { kind: "reset" } // the connection is reset
  | { kind: "hang" }; // never answered

/**
 * An HTTP proxy in front of the SciCat stand-in that answers the next
 * request matching `method` and `pathPattern` with a fault. With
 * `carriedOut`, the request is forwarded first and only the answer is bad
 * (SciCat did what was asked); without it, SciCat never sees the request.
 */
export class HttpFaultProxy {
  readonly #server: HttpServer;
  #rule: { method: string; pattern: RegExp; fault: HttpFault; carriedOut: boolean } | null = null;
  readonly #hung = new Set<import("node:http").ServerResponse>();
  port = 0;

  private constructor(target: URL) {
    this.#server = createHttpServer((req, res) => {
      const rule = this.#rule;
      const hit = rule !== null && req.method === rule.method && rule.pattern.test(req.url ?? "");
      if (hit) this.#rule = null;
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const answerBadly = (): void => badAnswer(res, (rule as NonNullable<typeof rule>).fault, this.#hung);
        if (hit && !rule.carriedOut) return answerBadly();
        const upstream = httpRequest(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            const body: Buffer[] = [];
            answer.on("data", (c: Buffer) => body.push(c));
            answer.on("end", () => {
              if (hit) return answerBadly();
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(body));
            });
          },
        );
        upstream.on("error", () => res.destroy());
        upstream.end(Buffer.concat(chunks));
      });
    });
  }

  /** Starts a proxy to `scicatOrigin` (`http://127.0.0.1:<port>`). */
  static async start(scicatOrigin: string): Promise<HttpFaultProxy> {
    const proxy = new HttpFaultProxy(new URL(scicatOrigin));
    await new Promise<void>((resolve) => proxy.#server.listen(0, "127.0.0.1", resolve));
    proxy.port = (proxy.#server.address() as { port: number }).port;
    return proxy;
  }

  /** The API root to give clients. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api/v3`;
  }

  /** Answers the next matching request with `fault`. */
  failNext(method: string, pathPattern: RegExp, fault: HttpFault, options: { carriedOut?: boolean } = {}): void {
    this.#rule = { method, pattern: pathPattern, fault, carriedOut: options.carriedOut ?? false };
  }

  async stop(): Promise<void> {
    for (const res of this.#hung) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function badAnswer(res: import("node:http").ServerResponse, fault: HttpFault, hung: Set<unknown>): void {
  switch (fault.kind) {
    case "status": {
      const html = fault.status === 502 || fault.status === 504;
      const body = html
        ? `<html><body><h1>${fault.status} Gateway error</h1></body></html>`
        : JSON.stringify({ statusCode: fault.status, message: "Internal server error" });
      res.writeHead(fault.status, { "Content-Type": html ? "text/html" : "application/json" });
      res.end(body);
      return;
    }
    case "html":
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<!DOCTYPE html><html><body><form>Please log in</form></body></html>");
      return;
    case "malformed":
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"pid": "PID.prefix/abc", "datasetName": ');
      return;
    case "reset":
      res.socket?.resetAndDestroy();
      return;
    case "hang":
      hung.add(res);
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Files and mounts
// ---------------------------------------------------------------------------------------------

/** Every regular file below `root`, relative, sorted (no folders). */
export function filesBelow(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(path.join(dir, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(root, "");
  return out.sort();
}

/** SHA-256 of a file, to check that local files are left byte-identical. */
export function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** True if this process may mount file systems (root, and the container allows it). */
export function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = path.join("/tmp", `scitacean-mount-probe-${process.pid}`);
  mkdirSync(probe, { recursive: true });
  const ok = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]).status === 0;
  if (ok) spawnSync("umount", [probe]);
  return ok;
}

/** Mounts a tmpfs of `size` (e.g. "8m") at `dir`, read-only if asked. */
export function mountTmpfs(dir: string, size: string, options: { readOnly?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true });
  const opts = `size=${size}${options.readOnly ? ",ro" : ""}`;
  const result = spawnSync("mount", ["-t", "tmpfs", "-o", opts, "tmpfs", dir], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`mount of a tmpfs at ${dir} failed: ${result.stderr}`);
}

/** Unmounts `dir` (lazily, so that a file still open cannot block it). */
export function unmount(dir: string): void {
  spawnSync("umount", ["-l", dir]);
}

/** Size of a file, or -1 if it does not exist. */
export function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}
