/**
 * The scitacean-ts widgets: {@link DatasetEditor}, {@link TransferProgressWidget},
 * {@link UploadWidget}, and uploads/downloads with progress. Importing this module also adds
 * `dataset.edit()` and `client.uploadWidget(dataset)` (the model layer knows nothing of widgets; the widgets layer adds the method).
 * @module
 */
import { Client } from "../../client/client";
import { Dataset } from "../../model/dataset";
import { DatasetEditor } from "./editor";
import { UploadWidget } from "./upload";

export { DatasetEditor } from "./editor";
export type { DatasetEditorTraits } from "./editor";
export { TransferProgressWidget } from "./progress";
export type { TransferProgressOptions, TransferProgressTraits } from "./progress";
export { UploadWidget } from "./upload";
export type { UploadWidgetTraits } from "./upload";
export { downloadWithProgress, uploadWithProgress } from "./run";
export type { DownloadWithProgressOptions, UploadWithProgressOptions } from "./run";
export type * from "./state";

declare module "../../client/client" {
  interface Client {
    /** An {@link UploadWidget} for `dataset` on this client; available after importing `scitacean-ts/widgets`. */
    uploadWidget(dataset: Dataset): UploadWidget;
  }
}

declare module "../../model/dataset" {
  interface Dataset {
    /** An editing form for this dataset (a {@link DatasetEditor}); available after importing `scitacean-ts/widgets`. */
    edit(): DatasetEditor;
  }
}

Object.defineProperty(Dataset.prototype, "edit", {
  value: function edit(this: Dataset): DatasetEditor {
    return new DatasetEditor(this);
  },
  configurable: true,
  writable: true,
});

Object.defineProperty(Client.prototype, "uploadWidget", {
  value: function uploadWidget(this: Client, dataset: Dataset): UploadWidget {
    return new UploadWidget(this, dataset);
  },
  configurable: true,
  writable: true,
});
