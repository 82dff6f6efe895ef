/**
 * The dataset editor: a form with one input per field, built from the field states the kernel
 * computes from the field table, plus files, attachments and scientific metadata panes. Every
 * edit goes to the kernel as a request; the kernel answers with new state (values, messages).
 */
import { ISerializers } from "@jupyter-widgets/base";
import type {
  DatasetEditorState,
  EditorFieldState,
  EditorRequest,
  MetadataEntryState,
} from "../../src/widgets/scitacean/state";
import { ContentView, DOMWidgetModel, h, hasFocus, moduleDefaults, uniqueId } from "./base";

export class DatasetEditorModel extends DOMWidgetModel {
  defaults(): any { // eslint-disable-line @typescript-eslint/no-explicit-any -- Backbone's own type
    return { ...super.defaults(), ...moduleDefaults("DatasetEditorModel", "DatasetEditorView"), fields: [], problems: [] };
  }
  static serializers: ISerializers = { ...DOMWidgetModel.serializers };
}

type FieldControl = HTMLInputElement | HTMLTextAreaElement;

/** The DOM of one field row. */
interface FieldRowParts {
  readonly row: HTMLElement;
  readonly input: FieldControl;
  readonly message: HTMLElement;
}

function controlFor(field: EditorFieldState, id: string, messageId: string): FieldControl {
  const common = {
    id,
    "aria-label": field.name,
    "aria-describedby": messageId,
    "aria-required": field.required ? "true" : undefined,
    readonly: field.readOnly,
    class: "scitacean-input",
  };
  switch (field.input) {
    case "multiline":
    case "json":
      return h("textarea", { ...common, rows: field.input === "json" ? 4 : 3 });
    case "list":
    case "pidList":
      return h("textarea", { ...common, rows: 2, placeholder: "one per line" });
    case "number":
      return h("input", { ...common, type: "number", step: "any" });
    case "boolean":
      return h("input", { ...common, type: "checkbox", disabled: field.readOnly, class: "scitacean-checkbox" });
    case "datetime":
      return h("input", { ...common, type: "datetime-local", step: 1, title: "UTC" });
    default:
      return h("input", { ...common, type: "text" });
  }
}

function setControlText(input: FieldControl, field: EditorFieldState): void {
  if (input instanceof HTMLInputElement && input.type === "checkbox") {
    input.checked = field.text === "true";
  } else if (!hasFocus(input) && input.value !== field.text) {
    input.value = field.text;
  }
}

function controlText(input: FieldControl): string {
  return input instanceof HTMLInputElement && input.type === "checkbox" ? String(input.checked) : input.value;
}

export class DatasetEditorView extends ContentView {
  #rows = new Map<string, FieldRowParts>();
  #structure = "";
  #root!: HTMLElement;
  #summary!: HTMLElement;
  #mainGroup!: HTMLElement;
  #advancedGroup!: HTMLDetailsElement;
  #advancedBody!: HTMLElement;
  #filesPane!: HTMLElement;
  #attachmentsPane!: HTMLElement;
  #metadataPane!: HTMLElement;

  render(): void {
    this.#root = this.mountContent("scitacean-editor");
    this.#summary = h("div", { class: "scitacean-summary", role: "status" });
    this.#mainGroup = h("div", { class: "scitacean-fields scitacean-main-fields", role: "group", "aria-label": "Main fields" });
    this.#advancedBody = h("div", { class: "scitacean-fields" });
    this.#advancedGroup = h(
      "details",
      { class: "scitacean-advanced" },
      h("summary", {}, "Advanced fields"),
      this.#advancedBody,
    );
    this.#filesPane = h("section", { class: "scitacean-pane scitacean-files", "aria-label": "Files" });
    this.#attachmentsPane = h("section", { class: "scitacean-pane scitacean-attachments", "aria-label": "Attachments" });
    this.#metadataPane = h("section", { class: "scitacean-pane scitacean-metadata", "aria-label": "Scientific metadata" });
    this.#root.append(
      this.#summary,
      this.#mainGroup,
      this.#advancedGroup,
      this.#filesPane,
      this.#attachmentsPane,
      this.#metadataPane,
    );
    this.listenTo(this.model, "change", this.update);
    this.update();
  }

  #state(): DatasetEditorState {
    return this.model.attributes as unknown as DatasetEditorState;
  }

  #send(request: EditorRequest): void {
    this.send(request);
  }

  update(): void {
    const state = this.#state();
    if (!Array.isArray(state.fields)) return;
    const structure = `${state.datasetType}|${state.fields.map((f) => f.name).join(",")}`;
    if (structure !== this.#structure) this.#buildFields(state);
    for (const field of state.fields) this.#updateField(field);
    this.#summary.textContent =
      state.problems.length === 0
        ? `${state.datasetType === "raw" ? "Raw" : "Derived"} dataset: ready to upload.`
        : `${state.datasetType === "raw" ? "Raw" : "Derived"} dataset: ${state.problems.length} problem(s) to fix before upload.`;
    this.#summary.classList.toggle("scitacean-has-problems", state.problems.length > 0);
    this.#renderFiles(state);
    this.#renderAttachments(state);
    this.#renderMetadata(state);
  }

  #buildFields(state: DatasetEditorState): void {
    this.#structure = `${state.datasetType}|${state.fields.map((f) => f.name).join(",")}`;
    this.#rows.clear();
    this.#mainGroup.replaceChildren();
    this.#advancedBody.replaceChildren();
    for (const field of state.fields) {
      const parts = this.#fieldRow(field);
      this.#rows.set(field.name, parts);
      (field.main ? this.#mainGroup : this.#advancedBody).append(parts.row);
    }
  }

  #fieldRow(field: EditorFieldState): FieldRowParts {
    const id = uniqueId("field");
    const messageId = `${id}-message`;
    const input = controlFor(field, id, messageId);
    const label = h(
      "label",
      { for: id, class: "scitacean-label", title: field.description },
      field.name,
      field.required ? h("span", { class: "scitacean-required", title: "required" }, " *") : null,
      field.readOnly ? h("span", { class: "scitacean-locked", title: "set by SciCat" }, " 🔒") : null,
    );
    const type = h("span", { class: "scitacean-type" }, field.type);
    const message = h("div", { id: messageId, class: "scitacean-message" });
    const row = h("div", { class: "scitacean-field", "data-field": field.name }, label, type, input, message);
    if (!field.readOnly) {
      const sendEdit = (): void => this.#send({ action: "setField", name: field.name, text: controlText(input) });
      input.addEventListener(input instanceof HTMLInputElement && input.type === "checkbox" ? "change" : "input", sendEdit);
    }
    return { row, input, message };
  }

  #updateField(field: EditorFieldState): void {
    const parts = this.#rows.get(field.name);
    if (parts === undefined) return;
    setControlText(parts.input, field);
    const invalid = field.messages.length > 0;
    parts.input.setAttribute("aria-invalid", invalid ? "true" : "false");
    parts.row.classList.toggle("scitacean-invalid", invalid);
    parts.message.textContent = field.messages.join(" ");
  }

  #renderFiles(state: DatasetEditorState): void {
    const pane = this.#filesPane;
    const key = JSON.stringify([state.files, state.filesError]);
    if (pane.dataset.key === key) return;
    pane.dataset.key = key;
    const rows = state.files.map((f) =>
      h(
        "tr",
        {},
        h("td", {}, f.localPath ?? "—"),
        h("td", {}, f.remotePath),
        h("td", { class: "scitacean-number" }, f.sizeText),
      ),
    );
    const table = h(
      "table",
      { class: "scitacean-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "Local"), h("th", {}, "Remote path"), h("th", {}, "Size"))),
      h("tbody", {}, ...rows),
    );
    const pathInput = h("input", { type: "text", "aria-label": "local file path", placeholder: "local file path(s), one per line or comma-separated" });
    const baseInput = h("input", { type: "text", "aria-label": "basePath", placeholder: "basePath (optional)" });
    const errorId = uniqueId("files-error");
    const add = h("button", { type: "button", class: "scitacean-button", "aria-describedby": errorId }, "Add files");
    const submit = (): void => {
      const paths = pathInput.value.split(/[\n,]/);
      this.#send({ action: "addFiles", paths, basePath: baseInput.value });
    };
    add.addEventListener("click", submit);
    pathInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") submit();
    });
    pane.replaceChildren(
      h("h4", {}, `Files (${state.files.length}, ${state.totalSizeText})`),
      table,
      h("div", { class: "scitacean-add-files" }, pathInput, baseInput, add),
      h("div", { id: errorId, class: "scitacean-message", role: state.filesError ? "alert" : undefined }, state.filesError),
    );
  }

  #renderAttachments(state: DatasetEditorState): void {
    const pane = this.#attachmentsPane;
    const key = JSON.stringify(state.attachments.map((a) => [a.thumbnail?.length, a.thumbnail?.slice(-32)]));
    if (pane.dataset.key === key) {
      // Same attachments: only captions may have changed; leave the one being typed in alone.
      pane.querySelectorAll<HTMLInputElement>("input[data-index]").forEach((input) => {
        const caption = state.attachments[Number(input.dataset.index)]?.caption ?? "";
        if (!hasFocus(input) && input.value !== caption) input.value = caption;
      });
      return;
    }
    pane.dataset.key = key;
    const items = state.attachments.map((a, index) => {
      const caption = h("input", { type: "text", "aria-label": `caption ${index + 1}`, "data-index": index });
      caption.value = a.caption;
      caption.addEventListener("input", () => this.#send({ action: "setCaption", index, caption: caption.value }));
      return h(
        "figure",
        { class: "scitacean-attachment" },
        a.thumbnail ? h("img", { src: a.thumbnail, alt: a.caption }) : h("div", { class: "scitacean-empty" }, "no thumbnail"),
        h("figcaption", {}, caption),
      );
    });
    pane.replaceChildren(h("h4", {}, `Attachments (${state.attachments.length})`), ...items);
  }

  #renderMetadata(state: DatasetEditorState): void {
    const pane = this.#metadataPane;
    const count = String(state.metadata.length);
    const inputs = (): HTMLInputElement[] => Array.from(pane.querySelectorAll<HTMLInputElement>("tbody input"));
    if (pane.dataset.count === count && pane.dataset.error === state.metadataError) {
      const columns: Array<keyof MetadataEntryState> = ["key", "value", "unit"];
      inputs().forEach((input, i) => {
        const text = state.metadata[Math.floor(i / 3)]?.[columns[i % 3] as keyof MetadataEntryState] ?? "";
        if (!hasFocus(input) && input.value !== text) input.value = text;
      });
      return;
    }
    pane.dataset.count = count;
    pane.dataset.error = state.metadataError;
    const body = h("tbody", {});
    const sendAll = (): void => {
      const entries: MetadataEntryState[] = [];
      for (const tr of Array.from(body.rows)) {
        const [key, value, unit] = Array.from(tr.querySelectorAll("input")).map((i) => i.value);
        entries.push({ key: key ?? "", value: value ?? "", unit: unit ?? "" });
      }
      this.#send({ action: "setMetadata", entries });
    };
    const addRow = (entry: MetadataEntryState, index: number): void => {
      const cell = (name: keyof MetadataEntryState): HTMLElement => {
        const input = h("input", { type: "text", "aria-label": `metadata ${name} ${index + 1}` });
        input.value = entry[name];
        input.addEventListener("change", sendAll);
        return h("td", {}, input);
      };
      const remove = h("button", { type: "button", class: "scitacean-button", "aria-label": `remove metadata ${index + 1}` }, "×");
      remove.addEventListener("click", () => {
        tr.remove();
        sendAll();
      });
      const tr = h("tr", {}, cell("key"), cell("value"), cell("unit"), h("td", {}, remove));
      body.append(tr);
    };
    state.metadata.forEach(addRow);
    const add = h("button", { type: "button", class: "scitacean-button" }, "Add metadata entry");
    add.addEventListener("click", () => {
      addRow({ key: "", value: "", unit: "" }, body.rows.length);
      body.rows[body.rows.length - 1]?.querySelector("input")?.focus();
    });
    pane.replaceChildren(
      h("h4", {}, "Scientific metadata"),
      h(
        "table",
        { class: "scitacean-table" },
        h("thead", {}, h("tr", {}, h("th", {}, "Key"), h("th", {}, "Value"), h("th", {}, "Unit"), h("th", {}, ""))),
        body,
      ),
      add,
      h("div", { class: "scitacean-message", role: state.metadataError ? "alert" : undefined }, state.metadataError),
    );
  }
}
