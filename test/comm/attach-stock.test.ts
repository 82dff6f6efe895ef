/**
 * Feature detection of the runtime attachment. The attachment itself is exercised in a real
 * stock tslab kernel by test/comm/protocol_test.py; here are the places where it must refuse.
 */
import { SUPPORTED_TSLAB, attachToStockTslab } from "../../src/comm/attach-stock";

type Globals = { __tslab__?: { require: (id: string) => unknown } };
const globals = globalThis as Globals;

afterEach(() => {
  delete globals.__tslab__;
});

describe("attachToStockTslab", () => {
  const log = (): void => undefined;

  it("refuses outside tslab", () => {
    expect(attachToStockTslab(log)).toBe("this is not a tslab kernel");
  });

  it("refuses when the running tslab is not a loaded module", () => {
    globals.__tslab__ = { require: () => ({ not: "tslab" }) };
    expect(attachToStockTslab(log)).toBe("the running tslab's files cannot be found");
    globals.__tslab__ = {
      require: () => {
        throw new Error("Cannot find module");
      },
    };
    expect(attachToStockTslab(log)).toBe("the running tslab cannot be found");
  });

  it(`accepts tslab ${SUPPORTED_TSLAB} only while a cell runs`, () => {
    // The real tslab of this repo, loaded as the kernel loads it; no cell has run in it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tslab: unknown = require("tslab");
    globals.__tslab__ = { require: () => tslab };
    expect(attachToStockTslab(log)).toBe("no cell is running (widgets must be created in a cell)");
  });
});
