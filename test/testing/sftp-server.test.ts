/** The throwaway sshd shipped in scitacean-ts/testing. */
import { existsSync } from "node:fs";
import { inspect } from "node:util";
import { startSftpServer } from "../../src/testing/sftp-server";

describe("startSftpServer", () => {
  it.each([22, 0, 80, 65536, 2222.5])("refuses port %p before starting anything", async (port) => {
    await expect(startSftpServer({ port })).rejects.toThrow(/port must be a whole number from 1024 to 65535/);
  });

  it("prints without its private key, and stop() removes its folders and can be called twice", async () => {
    const server = await startSftpServer();
    try {
      const text = `${inspect(server)} ${String(server)}`;
      expect(text).toContain(`127.0.0.1:${server.port}`);
      expect(text).not.toContain(server.privateKey.toString("utf8").split("\n")[1]!);
      expect(server.port).not.toBe(22);
      expect(existsSync(server.dataRoot)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(existsSync(server.dataRoot)).toBe(false);
    await expect(server.stop()).resolves.toBeUndefined();
  });
});
