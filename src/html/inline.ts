/**
 * Displays of the small values: a {@link PID} and a {@link RemotePath},
 * shown inline as a dimmed kind followed by the value in code font.
 */
import type { PID } from "../values/pid";
import type { RemotePath } from "../values/remote-path";
import { html } from "./escape";
import type { MimeBundle } from "./mime-bundle";
import { INLINE_STYLE } from "./styles";

function inlineHtml(kind: string, value: string): string {
  return html`<span class="cean-repr cean-inline">${INLINE_STYLE}<span class="cean-inline-kind">${kind}</span><code class="cean-inline-value">${value}</code></span>`
    .markup;
}

/** HTML `PID prefix/id`; text `PID(prefix='…', pid='…')`. */
export function renderPid(pid: PID): MimeBundle {
  return { "text/html": inlineHtml("PID", pid.toString()), "text/plain": pid.toRepr() };
}

/** HTML `RemotePath /a/b`; text `RemotePath('/a/b')`. */
export function renderRemotePath(remotePath: RemotePath): MimeBundle {
  return { "text/html": inlineHtml("RemotePath", remotePath.posix), "text/plain": remotePath.toRepr() };
}
