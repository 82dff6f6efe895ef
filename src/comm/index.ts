/**
 * Jupyter comms for code running in a tslab kernel.
 *
 * {@link getCommLayer} returns the process's one {@link CommLayer}: the one our kernel entry
 * installed (`scitacean-ts/dist/display/kernel.js`, kernelspec `tslab`), or else one attached at
 * runtime to a stock tslab 1.0.22 kernel. Where neither works (another kernel or tslab version,
 * plain Node) it returns `undefined` and says why, once per process.
 * @module
 */
import { writeSync } from "node:fs";
import { KERNEL_HOOKS } from "../display/index";
import type { KernelHooks } from "../display/index";
import { attachToStockTslab } from "./attach-stock";
import type { CommLayer } from "./layer";

export { Comm, CommLayer } from "./layer";
export type { CommCloseHandler, CommMessageHandler, CommSendOptions, CommTargetHandler, OpenCommOptions } from "./layer";
export type { KernelPort, PublishOptions, ReplyFn } from "./port";
export type { IncomingMessage, JsonObject, JsonValue, MessageHeader } from "./wire";

/** The global slot of the shared layer: a global symbol, so that copies of this package agree. */
const LAYER: unique symbol = Symbol.for("scitacean-ts.comm.layer");
/** Set once the "no comms here" message was shown. */
const WARNED: unique symbol = Symbol.for("scitacean-ts.comm.warned");

type Slots = { [LAYER]?: CommLayer; [WARNED]?: boolean };
const slots = globalThis as Slots;

/** Makes `layer` the process's comm layer (our kernel entry calls this at start). */
export function installCommLayer(layer: CommLayer): void {
  slots[LAYER] = layer;
}

/** Writes a comm-layer problem to the kernel's stderr (the Jupyter server's log), never to a cell. */
export function kernelLog(text: string): void {
  try {
    writeSync(2, `scitacean-ts comm: ${text}\n`);
  } catch {
    // nowhere left to report to
  }
}

/**
 * The comm layer of this kernel, attaching it to a stock tslab kernel on first use; `undefined`
 * where comms are not available, after a one-time warning that says why and what to do.
 */
export function getCommLayer(): CommLayer | undefined {
  const existing = slots[LAYER];
  if (existing !== undefined) return existing;
  if (slots[WARNED]) return undefined;
  const attached = attachToStockTslab(kernelLog);
  if (typeof attached !== "string") {
    slots[LAYER] = attached;
    // Full MIME bundles (a widget view with its text fallback) now reach the front end; stock
    // tslab still prints a cell's last value, so that keeps going through the inspect hook.
    const hooks: KernelHooks = {
      displayBundle(bundle) {
        attached.display(bundle as Parameters<CommLayer["display"]>[0]);
        return true;
      },
      richLastValue: false,
    };
    (globalThis as { [KERNEL_HOOKS]?: KernelHooks })[KERNEL_HOOKS] = hooks;
    return attached;
  }
  slots[WARNED] = true;
  console.warn(
    `scitacean-ts: interactive widgets are not available here (${attached}); they are shown as static HTML. ` +
      `For live widgets use the "tslab" kernel that scitacean-ts installs (node scripts/install-kernel.js), ` +
      `or a stock tslab 1.0.22 kernel.`,
  );
  return undefined;
}

/** Forgets the layer and the warning; for tests only. */
export function resetCommLayerForTests(): void {
  delete slots[LAYER];
  delete slots[WARNED];
}
