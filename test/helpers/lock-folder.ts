/**
 * Folders that refuse changes, also for root (which ignores permission
 * bits): file attributes for root (`chattr`), permissions otherwise.
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
 * Makes `folder` accept new files but refuse to remove them: append-only for
 * root; otherwise read-only as soon as the first new entry appears (the
 * watcher runs in this process, before the next request of the code under test).
 * Returns the undo.
 */
export function refuseRemovals(folder: string): () => void {
  if (isRoot()) {
    chattr("+a", folder);
    return () => chattr("-a", folder);
  }
  const watcher = watch(folder, () => chmodSync(folder, 0o555));
  return () => {
    watcher.close();
    chmodSync(folder, 0o755);
  };
}
