/**
 * The HTTP implementation of `ScicatClient`: talks to a real SciCat
 * server (API v3) with axios.
 */
export {
  HttpScicatClient,
  type HttpConnectionOptions,
  type HttpScicatClientOptions,
} from "./http-scicat-client";
export { LOGIN_ENDPOINTS, type LoginEndpoint } from "./login";
export { AccessToken, decodeJwtPayload, jwtExpiry, EXPIRED_LOGIN_MESSAGE, TOKEN_EXPIRY_MARGIN_MS } from "./token";
export { DEFAULT_TIMEOUT_MS } from "./transport";
export { serverMessages } from "./server-errors";
