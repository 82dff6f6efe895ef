import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  checkChecksumAlgorithm,
  checksumOfFile,
  DEFAULT_CHECKSUM_ALGORITHM,
  escapePath,
  fileModificationTime,
  fileSize,
  fileStat,
  nodeHashName,
} from "../../src/values/filesystem";

const MiB = 1024 * 1024;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "scitacean-fs-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

const digest = (algorithm: string, content: string | Buffer): string =>
  createHash(algorithm).update(content).digest("hex");

describe("file size and modification time", () => {
  it("fileSize is the size in bytes", () => {
    expect(fileSize(write("size.txt", "hello"))).toBe(5);
    expect(fileSize(write("utf8.txt", "å"))).toBe(2);
    expect(fileSize(write("empty.txt", ""))).toBe(0);
  });

  it("fileModificationTime is the mtime", () => {
    const file = write("mtime.txt", "x");
    const when = new Date("2021-03-04T05:06:07Z");
    utimesSync(file, when, when);
    expect(fileModificationTime(file).getTime()).toBe(when.getTime());
  });

  it("fileStat gives both", async () => {
    const file = write("stat.txt", "abc");
    const when = new Date("2020-01-02T03:04:05Z");
    utimesSync(file, when, when);
    const s = await fileStat(file);
    expect(s.size).toBe(3);
    expect(s.mtime.getTime()).toBe(when.getTime());
  });
});

describe("checksumOfFile", () => {
  it("default algorithm is blake2b", () => {
    expect(DEFAULT_CHECKSUM_ALGORITHM).toBe("blake2b");
  });

  it.each([
    ["md5", "md5", 32],
    ["sha256", "sha256", 64],
    ["sha1", "sha1", 40],
    ["blake2b", "blake2b512", 128],
    ["blake2s", "blake2s256", 64],
    ["sha3-256", "sha3-256", 64],
  ])("%s of a small file equals OpenSSL %s", async (algorithm, openssl, hexLength) => {
    const content = "small file content\n";
    const file = write(`small-${algorithm}.txt`, content);
    const checksum = await checksumOfFile(file, { algorithm });
    expect(checksum).toBe(digest(openssl, content));
    expect(checksum).toHaveLength(hexLength);
  });

  it("blake2b of a known text", async () => {
    // Well-known BLAKE2b-512 digest of "abc" (RFC 7693, appendix A).
    const file = write("abc.txt", "abc");
    expect(await checksumOfFile(file, { algorithm: "blake2b" })).toBe(
      "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1" +
        "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
    );
  });

  it("md5 of an empty file", async () => {
    expect(await checksumOfFile(write("empty-md5", ""), { algorithm: "md5" })).toBe("d41d8cd98f00b204e9800998ecf8427e");
  });

  it.each([
    ["exactly 1 MiB", MiB],
    ["1 MiB + 1 byte", MiB + 1],
    ["a few MiB", 3 * MiB + 12345],
  ])("streams a large file (%s) to the digest of the whole content", async (_, size) => {
    const content = randomBytes(size);
    const file = write(`large-${size}.bin`, content);
    for (const [algorithm, openssl] of [
      ["blake2b", "blake2b512"],
      ["md5", "md5"],
      ["sha256", "sha256"],
    ] as const) {
      expect(await checksumOfFile(file, { algorithm })).toBe(digest(openssl, content));
    }
  });

  it("differs for different content", async () => {
    const a = await checksumOfFile(write("a.txt", "content A"), { algorithm: "blake2b" });
    const b = await checksumOfFile(write("b.txt", "content B"), { algorithm: "blake2b" });
    expect(a).not.toBe(b);
  });

  it("rejects an unknown algorithm with a message naming it", async () => {
    const file = write("unknown-alg.txt", "x");
    await expect(checksumOfFile(file, { algorithm: "no-such-hash" })).rejects.toThrow(/no-such-hash/);
    await expect(checksumOfFile(file, { algorithm: "no-such-hash" })).rejects.toThrow(RangeError);
  });

  it("fails for a missing file", async () => {
    await expect(checksumOfFile(path.join(dir, "missing"), { algorithm: "md5" })).rejects.toThrow(/ENOENT/);
  });
});

describe("checksum algorithm names", () => {
  it("maps Python names to OpenSSL names", () => {
    expect(nodeHashName("blake2b")).toBe("blake2b512");
    expect(nodeHashName("blake2s")).toBe("blake2s256");
    expect(nodeHashName("md5")).toBe("md5");
    expect(nodeHashName("SHA256")).toBe("sha256");
    expect(nodeHashName("nonsense")).toBeNull();
  });

  it("checkChecksumAlgorithm accepts known and rejects unknown algorithms", () => {
    expect(() => checkChecksumAlgorithm("blake2b")).not.toThrow();
    expect(() => checkChecksumAlgorithm("md5")).not.toThrow();
    expect(() => checkChecksumAlgorithm("crc-nope")).toThrow(/Checksum algorithm not recognized: crc-nope/);
    expect(() => checkChecksumAlgorithm(7 as never)).toThrow(RangeError);
  });
});

describe("escapePath", () => {
  it.each([
    ["Harald Blåtand", "Harald Bl_xe5tand"],
    ["harald@viking.dk", "harald_viking.dk"],
    ["g g/ö", "g g__xf6"],
    ["My Name!", "My Name_"],
    ["a/b\\c", "a_b_c"],
    ["x:y*z?", "x_y_z_"],
    ["€", "_u20ac"],
    ["😀", "_U0001f600"],
  ])("escapePath(%j) is %j", (input, expected) => {
    expect(escapePath(input)).toBe(expected);
  });

  it("non-ASCII becomes a backslash escape first, whose backslash then becomes '_'", () => {
    // "Harald Blåtand" → "Harald Bl\xe5tand" (Python's backslashreplace) → "Harald Bl_xe5tand".
    expect(escapePath("å")).toBe("\\xe5".replace("\\", "_"));
  });

  it("keeps letters, digits, '_', ' ', '.' and '-'", () => {
    const safe = "Az09_ .-abcXYZ.tar.gz";
    expect(escapePath(safe)).toBe(safe);
    expect(escapePath("")).toBe("");
  });

  it("keeps '.' and '..' as they are (as Scitacean); formatSourceFolder deals with them", () => {
    expect(escapePath(".")).toBe(".");
    expect(escapePath("..")).toBe("..");
  });

  it("output only ever contains allowed characters (random strings)", () => {
    // Deterministic pseudo-random generator so that a failure can be reproduced.
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const pools = [
      () => String.fromCharCode(Math.floor(next() * 128)),
      () => String.fromCharCode(0x80 + Math.floor(next() * 0x80)),
      () => String.fromCharCode(0x100 + Math.floor(next() * 0xd700)),
      () => String.fromCodePoint(0x10000 + Math.floor(next() * 0xfffff)),
      () => "/\\:*?\"<>|@!#$%^&(){}[]~`'\n\t\0".charAt(Math.floor(next() * 27)),
    ];
    for (let i = 0; i < 500; i++) {
      const length = Math.floor(next() * 30);
      let input = "";
      for (let j = 0; j < length; j++) input += (pools[Math.floor(next() * pools.length)] as () => string)();
      const output = escapePath(input);
      expect(output).toMatch(/^[A-Za-z0-9_ .-]*$/);
      expect(output.length).toBeGreaterThanOrEqual([...input].length);
      // Idempotent: an escaped path is already safe.
      expect(escapePath(output)).toBe(output);
    }
  });
});
