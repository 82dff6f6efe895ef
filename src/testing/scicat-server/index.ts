/**
 * A SciCat stand-in server for tests: real HTTP on 127.0.0.1 with the
 * backend's rules and error bodies, in-memory records, a request log and
 * failure injection.
 */
export {
  DEFAULT_SCICAT_USERS,
  ScicatServer,
  type RecordedRequest,
  type ScicatServerOptions,
  type ScicatServerUser,
} from "./server";
export type { JsonRecord } from "./records";
