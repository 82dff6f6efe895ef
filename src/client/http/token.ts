/**
 * SciCat access tokens: kept out of sight, and checked for expiry before use.
 */
import { inspect } from "node:util";
import { ScicatLoginError } from "../../errors";

/**
 * A token is refused this long before its `exp`, so that it does not expire
 * while a request is on its way (Scitacean's "denial period").
 */
export const TOKEN_EXPIRY_MARGIN_MS = 2000;

/** The message of every "token expired" error. */
export const EXPIRED_LOGIN_MESSAGE =
  "Your SciCat login has expired; log in again with Client.fromCredentials " +
  "or get a new token from the SciCat web interface (and use Client.fromToken).";

/**
 * The payload of a JWT (`header.payload.signature`), or `null` if `token` is
 * not a JWT. The signature is not checked: only the server can do that, and
 * the client only wants to know when the token runs out.
 */
export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split(".");
  // The signature may be empty (unsigned tokens); header and payload may not.
  if (parts.length !== 3 || !parts.slice(0, 2).every((p) => /^[A-Za-z0-9_-]+=*$/.test(p))) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1] as string, "base64url").toString("utf8"));
    return typeof payload === "object" && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** When a JWT expires (its `exp` claim), or `null` for tokens without one. */
export function jwtExpiry(token: string): Date | null {
  const exp = decodeJwtPayload(token)?.["exp"];
  return typeof exp === "number" && Number.isFinite(exp) ? new Date(exp * 1000) : null;
}

/**
 * A SciCat token. The value lives in a private field, so it shows up in
 * neither `util.inspect`, `JSON.stringify` nor `console.log`; {@link value}
 * is the only way out, and it refuses expired tokens.
 */
export class AccessToken {
  readonly #value: string;
  /** When the token expires, or `null` if it does not (non-JWT tokens). */
  readonly expiresAt: Date | null;

  constructor(value: string) {
    if (typeof value !== "string" || value.trim() === "") {
      throw new TypeError("The SciCat token must be a non-empty string.");
    }
    this.#value = value;
    this.expiresAt = jwtExpiry(value);
  }

  /** Whether the token can no longer be used (it expires within {@link TOKEN_EXPIRY_MARGIN_MS}). */
  isExpired(now: number = Date.now()): boolean {
    return this.expiresAt !== null && now >= this.expiresAt.getTime() - TOKEN_EXPIRY_MARGIN_MS;
  }

  /** Throws a {@link ScicatLoginError} if the token has expired. */
  assertValid(): void {
    if (this.isExpired()) {
      throw new ScicatLoginError(`${EXPIRED_LOGIN_MESSAGE} (It expired at ${this.expiresAt?.toISOString()}.)`);
    }
  }

  /** The token itself, after checking that it has not expired. */
  value(): string {
    this.assertValid();
    return this.#value;
  }

  /** Replaces every occurrence of the token in `text`, for messages built from outside data. */
  scrub(text: string): string {
    return text.split(this.#value).join("<HIDDEN>");
  }

  toJSON(): string {
    return "<HIDDEN>";
  }

  [inspect.custom](): string {
    return `AccessToken(<HIDDEN>${this.expiresAt ? `, expires ${this.expiresAt.toISOString()}` : ""})`;
  }

  toString(): string {
    return "<HIDDEN>";
  }
}
