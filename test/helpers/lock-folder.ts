/**
 * Folders that refuse changes, also for root (which ignores permission
 * bits): the immutable attribute for root (`chattr +i`), permissions otherwise.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, watch } from "node:fs";

function chattr(flag: string, folder: string): void {
  const result = spawnSync("chattr", [flag, folder], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`chattr ${flag} ${folder} failed: ${result.stderr || String(result.error)}`);
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** Makes `folder` refuse new entries (immutable for root, else read-only). Returns the undo. */
export function lockFolder(folder: string): () => void {
  if (isRoot()) {
    chattr("+i", folder);
    return () => chattr("-i", folder);
  }
  chmodSync(folder, 0o555);
  return () => chmodSync(folder, 0o755);
}

/**
 * Locks `folder` (see {@link lockFolder}) as soon as an entry whose name
 * matches `name` appears in it. The watcher runs in this process, so the lock
 * is in place before the code under test gets much further.
 * Returns the undo, which also stops watching.
 */
export function lockWhenCreated(folder: string, name: RegExp): () => void {
  let unlock: (() => void) | null = null;
  const watcher = watch(folder, (_event, file) => {
    if (unlock === null && typeof file === "string" && name.test(file)) unlock = lockFolder(folder);
  });
  return () => {
    watcher.close();
    unlock?.();
  };
}
