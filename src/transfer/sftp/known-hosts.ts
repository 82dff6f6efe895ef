/**
 * Host keys: reading OpenSSH known_hosts files and judging a server's key
 * against them, as `ssh` does.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import type { ServerHostKeyAlgorithm } from "ssh2";

/** One line of a known_hosts file. */
export interface KnownHostEntry {
  readonly marker: "revoked" | "cert-authority" | null;
  readonly patterns: readonly string[];
  readonly keyType: string;
  readonly key: Buffer;
}

/** Parses OpenSSH known_hosts text; lines it does not understand are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry["marker"] = null;
    if (fields[0]?.startsWith("@")) {
      const name = fields.shift();
      if (name === "@revoked") marker = "revoked";
      else if (name === "@cert-authority") marker = "cert-authority";
      else continue;
    }
    const [hosts, keyType, base64] = fields;
    if (hosts === undefined || keyType === undefined || base64 === undefined) continue;
    entries.push({ marker, patterns: hosts.split(","), keyType, key: Buffer.from(base64, "base64") });
  }
  return entries;
}

/** The name known_hosts uses for a server: `host`, or `[host]:port` for a port other than 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith("|1|")) {
    // Hashed entry (HashKnownHosts): |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
    const [, , salt, hash] = pattern.split("|");
    if (salt === undefined || hash === undefined) return false;
    const expected = Buffer.from(hash, "base64");
    const actual = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "i").test(name);
}

function hostMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith("!")) {
      if (patternMatches(pattern.slice(1), name)) return false;
    } else if (patternMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** The key type written inside an SSH public key blob, e.g. `ssh-ed25519`. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return "unknown";
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString("latin1");
}

/** OpenSSH's fingerprint of a key: `SHA256:…`, as `ssh` shows it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

/** What known_hosts says about a key: trusted, unknown host, changed key, or revoked key. */
export type HostKeyVerdict = "trusted" | "unknown" | "changed" | "revoked";

/** Judges `key` for the server called `name` (see {@link knownHostsName}). */
export function judgeHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  const forHost = entries.filter((e) => e.marker !== "cert-authority" && hostMatches(e.patterns, name));
  if (forHost.some((e) => e.marker === "revoked" && e.key.equals(key))) return "revoked";
  const plain = forHost.filter((e) => e.marker === null);
  if (plain.some((e) => e.key.equals(key))) return "trusted";
  return plain.length > 0 ? "changed" : "unknown";
}

/** Host key algorithms ssh2 supports, in its default order. */
const HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

/**
 * Host key algorithms with those first whose keys known_hosts has for the
 * server, so that the server proves itself with a key we can check (it may
 * have several), as OpenSSH does.
 */
export function hostKeyAlgorithmsFor(entries: readonly KnownHostEntry[], name: string): ServerHostKeyAlgorithm[] | null {
  const known = new Set(
    entries.filter((e) => e.marker === null && hostMatches(e.patterns, name)).map((e) => e.keyType),
  );
  if (known.size === 0) return null;
  const preferred = HOST_KEY_ALGORITHMS.filter((a) =>
    a.startsWith("rsa-sha2-") || a === "ssh-rsa" ? known.has("ssh-rsa") : known.has(a),
  );
  return [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))];
}

/** `~` and `~/x` as paths in the home folder, as `ssh` reads them. */
export function expandHome(file: string): string {
  return file === "~" || file.startsWith("~/") ? path.join(os.homedir(), file.slice(1)) : file;
}

/** The known_hosts files `ssh` reads by default. */
export function defaultKnownHostsFiles(): string[] {
  return [path.join(os.homedir(), ".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"];
}
