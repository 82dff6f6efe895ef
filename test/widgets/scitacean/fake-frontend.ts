/**
 * A front end in the test process: a real CommLayer whose port records what the kernel
 * publishes, and helpers that send comm messages as JupyterLab's widget manager would.
 */
import { installCommLayer, resetCommLayerForTests } from "../../../src/comm";
import { CommLayer } from "../../../src/comm/layer";
import type { JsonObject } from "../../../src/comm/wire";

export interface Published {
  msgType: string;
  content: Record<string, unknown>;
}

export class FakeFrontEnd {
  readonly published: Published[] = [];
  readonly layer: CommLayer;
  #n = 0;

  constructor() {
    resetCommLayerForTests();
    this.layer = new CommLayer(
      { publish: (msgType, content) => void this.published.push({ msgType, content: content as Record<string, unknown> }) },
      "test",
      () => undefined,
    );
    installCommLayer(this.layer, { richLastValue: true });
  }

  /** The state the front end holds for model `id`: the comm_open state with every later update applied. */
  state(id: string): Record<string, unknown> {
    const state: Record<string, unknown> = {};
    for (const m of this.published) {
      if (m.content["comm_id"] !== id) continue;
      const data = m.content["data"] as { state?: Record<string, unknown>; method?: string } | undefined;
      if (m.msgType === "comm_open" || data?.method === "update" || data?.method === "echo_update") Object.assign(state, data?.state ?? {});
    }
    return state;
  }

  /** Number of `update` messages the kernel sent for model `id`. */
  updates(id: string): number {
    return this.published.filter((m) => m.content["comm_id"] === id && (m.content["data"] as { method?: string })?.method === "update").length;
  }

  /** Sends a `custom` message to model `id`, as `model.send(content)` in the browser does. */
  custom(id: string, content: JsonObject): void {
    this.#n += 1;
    this.layer.handleMessage(
      {
        identities: [],
        header: { msg_id: `m${this.#n}`, msg_type: "comm_msg", session: "s", username: "u", date: "", version: "5.3" },
        parentHeader: {},
        metadata: {},
        content: { comm_id: id, data: { method: "custom", content } },
        buffers: [],
      },
      () => undefined,
    );
  }

  close(): void {
    resetCommLayerForTests();
  }
}

/** Lets queued promise callbacks (custom handlers run in one) finish. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
