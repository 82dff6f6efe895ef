/**
 * Rich displays: pure functions from model objects to MIME bundles
 * (`text/html` + `text/plain`). They do no I/O beyond what the model's
 * getters do (a file's size is read from disk). The display layer decides
 * where the bundles go.
 * @module
 */
import { Attachment } from "../model/attachment";
import { Dataset } from "../model/dataset";
import { File } from "../model/file";
import { PID } from "../values/pid";
import { RemotePath } from "../values/remote-path";
import { Thumbnail } from "../values/thumbnail";
import { renderAttachment, renderThumbnail } from "./attachment";
import { renderDataset } from "./dataset";
import { renderFile } from "./files";
import { renderPid, renderRemotePath } from "./inline";
import type { MimeBundle } from "./mime-bundle";

export type { MimeBundle } from "./mime-bundle";
export { datasetHtml, datasetText, datasetTypeName, renderDataset } from "./dataset";
export { attachmentHtml, attachmentText, renderAttachment, renderThumbnail, thumbnailHtml, thumbnailText } from "./attachment";
export { fileHtml, fileText, MAX_HTML_FILE_ROWS, renderFile, renderFiles } from "./files";
export { renderPid, renderRemotePath } from "./inline";
export { escapeHtml, html, Html, type HtmlPart } from "./escape";

/**
 * The MIME bundle of any displayable value (Dataset, Attachment, File,
 * Thumbnail, PID, RemotePath), or `null` for anything else.
 */
export function mimeBundleOf(value: unknown): MimeBundle | null {
  if (value instanceof Dataset) return renderDataset(value);
  if (value instanceof Attachment) return renderAttachment(value);
  if (value instanceof File) return renderFile(value);
  if (value instanceof Thumbnail) return renderThumbnail(value);
  if (value instanceof PID) return renderPid(value);
  if (value instanceof RemotePath) return renderRemotePath(value);
  return null;
}
