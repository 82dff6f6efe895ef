/**
 * Registers the HTML renderers for every displayable class, so that a cell
 * whose last value is a Dataset (or Attachment, File, …) shows its table.
 * Imported once by the package root.
 */
import { logger } from "../logging";
import { UploadCheck } from "../client/check-upload-report";
import { renderUploadReport } from "../html/upload-report";
import { Attachment } from "../model/attachment";
import { Dataset } from "../model/dataset";
import { File } from "../model/file";
import { renderAttachment, renderDataset, renderFile, renderPid, renderRemotePath, renderThumbnail } from "../html";
import { PID } from "../values/pid";
import { RemotePath } from "../values/remote-path";
import { Thumbnail } from "../values/thumbnail";
import { registerDisplay, type MimeBundle } from "./index";

/**
 * A renderer that cannot fail: if the rich form throws (say, a local file
 * was deleted under a dataset), the object still prints as text and the
 * reason is logged, instead of the cell failing on its display.
 */
function safely<T extends object>(render: (obj: T) => MimeBundle): (obj: T) => MimeBundle {
  return (obj) => {
    try {
      return render(obj);
    } catch (error) {
      logger.warn(`Could not render ${obj.constructor.name} as a table: ${(error as Error).message}`);
      return { "text/plain": String(obj) };
    }
  };
}

registerDisplay(Dataset, safely(renderDataset));
registerDisplay(Attachment, safely(renderAttachment));
registerDisplay(File, safely(renderFile));
registerDisplay(Thumbnail, safely(renderThumbnail));
registerDisplay(PID, safely(renderPid));
registerDisplay(RemotePath, safely(renderRemotePath));
registerDisplay(UploadCheck, safely(renderUploadReport));
