/**
 * HS256 JSON web tokens, as SciCat issues them: the payload is the user plus
 * `iat` and `exp`, so clients can read when a token expires.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { decodeJwtPayload } from "../../client/http/token";

const base64url = (data: string | Buffer): string => Buffer.from(data).toString("base64url");

function signature(secret: string, headerAndPayload: string): string {
  return createHmac("sha256", secret).update(headerAndPayload).digest("base64url");
}

/** A signed token for `payload` (which should contain `exp`, in seconds since the epoch). */
export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const head = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(payload))}`;
  return `${head}.${signature(secret, head)}`;
}

/** What a presented token turned out to be. */
export type TokenCheck =
  | { readonly state: "valid"; readonly payload: Record<string, unknown> }
  | { readonly state: "expired" }
  | { readonly state: "invalid" };

/** Checks signature and expiry, like passport-jwt with `ignoreExpiration: false`. */
export function verifyJwt(token: string, secret: string, nowMs: number = Date.now()): TokenCheck {
  const parts = token.split(".");
  const payload = decodeJwtPayload(token);
  if (parts.length !== 3 || payload === null) return { state: "invalid" };
  const expected = Buffer.from(signature(secret, `${parts[0]}.${parts[1]}`));
  const given = Buffer.from(parts[2] as string);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { state: "invalid" };
  const exp = payload["exp"];
  if (typeof exp === "number" && nowMs >= exp * 1000) return { state: "expired" };
  return { state: "valid", payload };
}
