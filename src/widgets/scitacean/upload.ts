/**
 * `UploadWidget`: the dataset editor, an Upload button and the upload's progress and outcome.
 * @module
 */
import type { Client } from "../../client/client";
import type { Dataset } from "../../model/dataset";
import { renderDataset } from "../../html/dataset";
import { WidgetModel, type WidgetSpec } from "../model";
import { DatasetEditor } from "./editor";
import { domWidgetDefaults, frontEndRef, setChanged, withDomTraits, type DOMWidgetState } from "./module";
import { TransferProgressWidget } from "./progress";
import { uploadWithProgress } from "./run";
import type { UploadRequest, UploadWidgetState } from "./state";

/** The upload widget's traits: its own state and its two children. */
export type UploadWidgetTraits = UploadWidgetState &
  DOMWidgetState & {
    /** The form that edits the dataset to upload. */
    editor: DatasetEditor;
    /** The upload's progress and outcome. */
    progress: TransferProgressWidget;
  };

const INITIAL: UploadWidgetState = { blockedReason: "", uploading: false, pid: "", resultHtml: "", error: "" };

function uploadSpec(children: { editor: DatasetEditor; progress: TransferProgressWidget }): WidgetSpec<UploadWidgetTraits> {
  return {
    model: frontEndRef("UploadWidgetModel"),
    view: frontEndRef("UploadWidgetView"),
    traits: withDomTraits({ ...INITIAL, ...children }),
    defaults: (init) => ({ ...INITIAL, ...children, ...domWidgetDefaults(init) }),
    references: ["layout", "editor", "progress"],
    readOnly: [...(Object.keys(INITIAL) as (keyof UploadWidgetState)[]), "editor", "progress"],
  };
}

/** Why the editor's dataset cannot be uploaded, or `""`. */
function blockedReason(editor: DatasetEditor): string {
  const problems = editor.get("problems");
  if (problems.length === 0) return "";
  const first = problems.slice(0, 3).join("; ");
  return problems.length > 3 ? `${first}; and ${problems.length - 3} more problem(s).` : first;
}

/**
 * Edit a new dataset and upload it: the form, an Upload button that stays disabled (and says why)
 * while the dataset is invalid, live progress with Cancel, and the outcome: the new PID and the
 * finalized dataset, or the error with exactly what was rolled back or left. The upload runs in
 * the background, so the kernel keeps taking cells.
 *
 * @example
 * const upload = new UploadWidget(client, dataset);
 * upload               // shows it; `await upload.upload()` does what the button does
 */
export class UploadWidget extends WidgetModel<UploadWidgetTraits> {
  /** The client that uploads. */
  readonly client: Client;
  /** The form that edits the dataset to upload. */
  readonly editor: DatasetEditor;
  #progress: TransferProgressWidget;
  /** The finalized dataset after a successful upload, else `null`. */
  finalized: Dataset | null = null;
  #running: Promise<Dataset> | null = null;

  constructor(client: Client, dataset: Dataset) {
    const editor = new DatasetEditor(dataset);
    const progress = new TransferProgressWidget("upload");
    super(uploadSpec({ editor, progress }));
    this.client = client;
    this.editor = editor;
    this.#progress = progress;
    this.set({ blockedReason: blockedReason(editor) });
    editor.observe("problems", () => this.set({ blockedReason: blockedReason(editor) }));
    this.onCustom((content) => {
      const request = content as UploadRequest | null;
      if (request?.action === "upload") void this.upload().catch(() => undefined); // the outcome is shown
      if (request?.action === "cancel") this.#progress.cancel();
    });
  }

  /** The dataset being edited and uploaded. */
  get dataset(): Dataset {
    return this.editor.dataset;
  }

  /** The progress of the current (or last) upload. */
  get progress(): TransferProgressWidget {
    return this.#progress;
  }

  /**
   * Uploads the dataset as the button does; resolves to the finalized dataset. Refuses (with the
   * reason) while the dataset is invalid or another upload runs.
   */
  upload(): Promise<Dataset> {
    if (this.#running !== null) return Promise.reject(new Error("An upload of this dataset is already running."));
    this.editor.refresh();
    const reason = blockedReason(this.editor);
    if (reason !== "" || !this.editor.isValid()) {
      return Promise.reject(new Error(`The dataset cannot be uploaded yet: ${reason || "a field holds text that is not a value."}`));
    }
    if (this.finalized !== null) return Promise.reject(new Error(`This dataset was uploaded already as ${String(this.finalized.pid)}.`));
    // Each upload gets a fresh progress display.
    if (this.#progress.progress.status !== "idle") {
      this.#progress = new TransferProgressWidget("upload");
      this.set({ progress: this.#progress });
    }
    setChanged(this, { uploading: true, error: "", pid: "", resultHtml: "" });
    this.#running = uploadWithProgress(this.client, this.dataset, { widget: this.#progress }).then(
      (finalized) => {
        this.finalized = finalized;
        setChanged(this, {
          uploading: false,
          pid: String(finalized.pid),
          resultHtml: renderDataset(finalized)["text/html"] ?? "",
        });
        this.#running = null;
        return finalized;
      },
      (error: unknown) => {
        setChanged(this, { uploading: false, error: this.#progress.progress.message || String(error) });
        this.#running = null;
        throw error;
      },
    );
    return this.#running;
  }

  override htmlFallback(): string {
    const outcome = this.get("pid")
      ? `<p>Uploaded: <code>${this.get("pid")}</code></p>${this.get("resultHtml")}`
      : `${this.#progress.htmlFallback()}${renderDataset(this.dataset)["text/html"] ?? ""}`;
    return `<div class="scitacean-upload-static">${outcome}</div>`;
  }

  override toString(): string {
    return `UploadWidget(${String(this.dataset.name ?? this.dataset.type)})`;
  }
}
