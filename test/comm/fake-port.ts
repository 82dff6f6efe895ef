/** An in-process {@link KernelPort} for unit tests: records what the layer publishes. */
import { CommLayer } from "../../src/comm";
import type { IncomingMessage, JsonObject, KernelPort, MessageHeader, PublishOptions } from "../../src/comm";
import { newHeader } from "../../src/comm/wire";

export interface Published {
  msgType: string;
  content: { [key: string]: unknown };
  options: PublishOptions;
}

export class FakePort implements KernelPort {
  readonly published: Published[] = [];
  publish(msgType: string, content: object, options: PublishOptions): void {
    this.published.push({ msgType, content: content as Published["content"], options });
  }
  /** Published messages of one type (status messages are left out unless asked for). */
  of(msgType: string): Published[] {
    return this.published.filter((p) => p.msgType === msgType);
  }
  clear(): void {
    this.published.length = 0;
  }
}

/** A layer on a fake port, with its log lines collected. */
export function fakeLayer(): { layer: CommLayer; port: FakePort; logged: string[] } {
  const port = new FakePort();
  const logged: string[] = [];
  const layer = new CommLayer(port, "test", (text) => logged.push(text));
  return { layer, port, logged };
}

/** A message as a front end would send it on the shell socket. */
export function frontendMessage(msgType: string, content: JsonObject, buffers: Buffer[] = []): IncomingMessage {
  return {
    identities: [],
    header: newHeader(msgType, "frontend-session"),
    parentHeader: {} as Partial<MessageHeader>,
    metadata: {},
    content,
    buffers,
  };
}
