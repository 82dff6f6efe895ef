/**
 * `DatasetEditor`: a form for a {@link Dataset}, kept in step with it both ways. Edits in the
 * browser go to the dataset at once; changes made to the dataset in later cells show in the form.
 * @module
 */
import type { Dataset } from "../../model/dataset";
import { renderDataset } from "../../html/dataset";
import { WidgetModel } from "../model";
import { EditorState } from "./editor-state";
import { computedStateSpec, setChanged, type DOMWidgetState } from "./module";
import type { DatasetEditorState, EditorRequest } from "./state";

/** The editor's traits. */
export type DatasetEditorTraits = DatasetEditorState & DOMWidgetState;

/** How often the editor looks for changes made to the dataset by kernel code. */
const POLL_MS = 300;

/**
 * An editing form for `dataset`, driven by the field table: an input per field of the dataset's
 * type, read-only fields locked, required fields marked, advanced fields collapsed, validation
 * as `dataset.validate()` says, files, attachments and scientific metadata.
 *
 * @example
 * const editor = new DatasetEditor(dataset); // or dataset.edit() after importing scitacean-ts/widgets
 * editor                                     // shows the form; edits change `dataset`
 */
export class DatasetEditor extends WidgetModel<DatasetEditorTraits> {
  /** The dataset being edited (the same object, changed in place). */
  readonly dataset: Dataset;
  readonly #editor: EditorState;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(dataset: Dataset) {
    const editor = new EditorState(dataset);
    super(computedStateSpec("DatasetEditor", editor.state()));
    this.dataset = dataset;
    this.#editor = editor;
    this.onCustom((content) => {
      this.#editor.apply(content as unknown as EditorRequest);
      this.refresh();
    });
    if (this.comm !== undefined) {
      this.#timer = setInterval(() => {
        if (this.closed) this.#stop();
        else this.refresh();
      }, POLL_MS);
      this.#timer.unref(); // the editor must not keep a script alive
    }
  }

  /** Recomputes the form from the dataset and sends what changed (done by itself a few times a second). */
  refresh(): void {
    setChanged(this, this.#editor.state());
  }

  /** True if nothing stops an upload: no problem in the dataset and no invalid text in a field. */
  isValid(): boolean {
    return this.#editor.isValid();
  }

  /** Applies a front-end request, as if the user had made it (for scripted use and tests). */
  request(request: EditorRequest): void {
    this.#editor.apply(request);
    this.refresh();
  }

  override close(): void {
    this.#stop();
    super.close();
  }

  /** Static front ends show the dataset's table. */
  override htmlFallback(): string | undefined {
    return renderDataset(this.dataset)["text/html"];
  }

  override toString(): string {
    return `DatasetEditor(${String(this.dataset.name ?? this.dataset.type)})`;
  }

  #stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
