/** The shared module of the extension: the widget models and views the manager looks up by name. */
export { DatasetEditorModel, DatasetEditorView } from "./editor";
export { TransferProgressModel, TransferProgressView } from "./progress";
export { UploadWidgetModel, UploadWidgetView } from "./upload";
