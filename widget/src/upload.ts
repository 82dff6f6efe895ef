/**
 * The upload widget: the dataset editor, an Upload button that is disabled (saying why) while the
 * dataset cannot be uploaded, the progress of the running upload, and the outcome.
 */
import { ISerializers, unpack_models, WidgetModel, WidgetView } from "@jupyter-widgets/base";
import type { UploadRequest, UploadWidgetState } from "../../src/widgets/scitacean/state";
import { ContentView, DOMWidgetModel, h, uniqueId } from "./base";
import { moduleDefaults } from "./base";

export class UploadWidgetModel extends DOMWidgetModel {
  defaults(): any { // eslint-disable-line @typescript-eslint/no-explicit-any -- Backbone's own type
    return { ...super.defaults(), ...moduleDefaults("UploadWidgetModel", "UploadWidgetView"), editor: null, progress: null };
  }
  static serializers: ISerializers = {
    ...DOMWidgetModel.serializers,
    editor: { deserialize: unpack_models },
    progress: { deserialize: unpack_models },
  };
}

export class UploadWidgetView extends ContentView {
  #button!: HTMLButtonElement;
  #reason!: HTMLElement;
  #outcome!: HTMLElement;
  #children: WidgetView[] = [];

  render(): void {
    const root = this.mountContent("scitacean-upload");
    const editorHost = h("div", { class: "scitacean-upload-editor" });
    const progressHost = h("div", { class: "scitacean-upload-progress" });
    const reasonId = uniqueId("upload-reason");
    this.#button = h("button", { type: "button", class: "scitacean-button scitacean-primary", "aria-describedby": reasonId }, "Upload");
    this.#button.addEventListener("click", () => {
      const request: UploadRequest = { action: "upload" };
      this.send(request);
    });
    this.#reason = h("div", { id: reasonId, class: "scitacean-message" });
    this.#outcome = h("div", { class: "scitacean-outcome", "aria-live": "polite" });
    root.append(editorHost, h("div", { class: "scitacean-upload-bar" }, this.#button, this.#reason), progressHost, this.#outcome);
    void this.#addChild("editor", editorHost);
    void this.#addChild("progress", progressHost);
    this.listenTo(this.model, "change", this.update);
    this.update();
  }

  async #addChild(name: string, host: HTMLElement): Promise<void> {
    const model = this.model.get(name) as WidgetModel | null;
    if (!model) return;
    const view = await this.create_child_view(model);
    this.#children.push(view);
    host.appendChild(view.el);
    view.trigger("displayed");
  }

  update(): void {
    const s = this.model.attributes as unknown as UploadWidgetState;
    // One dataset is uploaded once: after success the button stays off, saying so.
    const reason = s.pid ? `uploaded already as ${s.pid}.` : s.blockedReason;
    this.#button.disabled = s.uploading || reason !== "";
    this.#button.title = reason;
    this.#reason.textContent = s.uploading ? "" : reason ? `Upload is disabled: ${reason}` : "";
    this.#outcome.replaceChildren();
    if (s.pid) {
      const result = h("div", { class: "scitacean-result" });
      result.innerHTML = s.resultHtml; // our own renderer's escaped HTML (src/html), as in a cell's output
      this.#outcome.append(h("div", { class: "scitacean-success", role: "status" }, "Uploaded: ", h("code", { class: "scitacean-pid" }, s.pid)), result);
    } else if (s.error) {
      this.#outcome.append(h("pre", { class: "scitacean-error", role: "alert" }, s.error));
    }
  }

  remove(): unknown {
    for (const child of this.#children) child.remove();
    return super.remove();
  }
}
