/** A fake comm layer installed as the process's layer, for widget unit tests. */
import { installCommLayer, resetCommLayerForTests } from "../../src/comm";
import type { JsonObject } from "../../src/comm";
import { fakeLayer, frontendMessage } from "../comm/fake-port";

export function installFakeLayer(): ReturnType<typeof fakeLayer> & {
  /** Sends `data` on comm `commId` as the front end, returning the message. */
  fromFrontend(commId: string, data: JsonObject, buffers?: Buffer[]): ReturnType<typeof frontendMessage>;
} {
  resetCommLayerForTests();
  const fake = fakeLayer();
  installCommLayer(fake.layer);
  return {
    ...fake,
    fromFrontend(commId, data, buffers = []) {
      const msg = frontendMessage("comm_msg", { comm_id: commId, data }, buffers);
      fake.layer.handleMessage(msg, () => undefined);
      return msg;
    },
  };
}
