/**
 * Test doubles shipped with scitacean-ts: an in-memory SciCat and file
 * server for tutorials and for testing one's own ingestion code.
 *
 * @example
 * import { FakeClient, FakeFileTransfer } from "scitacean-ts/testing";
 *
 * @module scitacean-ts/testing
 */
// Loads the package root too, so that objects render in notebooks that only import testing.
import "../index";

export { FakeClient, type FakeClientOptions } from "./fake-client";
export { FakeFileTransfer } from "./fake-file-transfer";
export { FakeScicatClient, FAKE_PID_PREFIX, type FakeScicatMethod } from "./fake-scicat-client";
export { PidMap } from "./pid-map";
export { setupFakeClient, THAUM_FLUX_PID } from "./docs";
export * from "./scicat-server";
export {
  SSHD_BINARY,
  sshdAvailable,
  startSftpServer,
  type SftpServer,
  type SftpServerOptions,
} from "./sftp-server";
