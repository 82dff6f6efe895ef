/**
 * Transfer progress: phase, one overall bar and one bar per file in flight (all in bytes), rate
 * and time left, files done, and a Cancel button that asks the kernel to abort.
 */
import { ISerializers } from "@jupyter-widgets/base";
import type { ProgressBarState, ProgressRequest, TransferProgressState } from "../../src/widgets/scitacean/state";
import { ContentView, DOMWidgetModel, h, moduleDefaults } from "./base";

export class TransferProgressModel extends DOMWidgetModel {
  defaults(): any { // eslint-disable-line @typescript-eslint/no-explicit-any -- Backbone's own type
    return { ...super.defaults(), ...moduleDefaults("TransferProgressModel", "TransferProgressView"), files: [] };
  }
  static serializers: ISerializers = { ...DOMWidgetModel.serializers };
}

/** A progress bar element with its ARIA values in bytes. */
export function progressBar(bar: ProgressBarState): HTMLElement {
  const max = Math.max(bar.bytesTotal, 0);
  const now = Math.min(Math.max(bar.bytesDone, 0), max);
  const fill = h("div", { class: "scitacean-bar-fill" });
  fill.style.width = `${max === 0 ? 100 : (100 * now) / max}%`;
  return h(
    "div",
    {
      class: "scitacean-bar",
      role: "progressbar",
      "aria-label": bar.label,
      "aria-valuemin": 0,
      "aria-valuenow": now,
      "aria-valuemax": max,
    },
    fill,
  );
}

export class TransferProgressView extends ContentView {
  #root!: HTMLElement;

  render(): void {
    this.#root = this.mountContent("scitacean-progress");
    this.listenTo(this.model, "change", this.update);
    this.update();
  }

  update(): void {
    const s = this.model.attributes as unknown as TransferProgressState;
    if (s.overall === undefined) return;
    const cancel = h("button", { type: "button", class: "scitacean-button", disabled: !(s.status === "running" && s.cancellable) }, "Cancel");
    cancel.addEventListener("click", () => {
      const request: ProgressRequest = { action: "cancel" };
      this.send(request);
    });
    const fileRows = s.files.map((f) =>
      h("div", { class: "scitacean-bar-row" }, h("span", { class: "scitacean-bar-label" }, f.label), progressBar(f)),
    );
    const heading = `${s.direction === "upload" ? "Upload" : "Download"}: ${s.status === "running" ? s.phase : s.status}`;
    const focused = this.#root.ownerDocument.activeElement;
    const hadFocus = focused instanceof HTMLElement && this.#root.contains(focused) && focused.tagName === "BUTTON";
    this.#root.replaceChildren(
      h("div", { class: "scitacean-progress-head" }, h("strong", {}, heading), " ", h("span", {}, `${s.filesDone}/${s.filesTotal} files`), " ", h("span", { class: "scitacean-rate" }, s.rateText), " ", cancel),
      h("div", { class: "scitacean-bar-row" }, h("span", { class: "scitacean-bar-label" }, "total"), progressBar(s.overall)),
      ...fileRows,
      h("div", { class: `scitacean-message scitacean-outcome-${s.status}`, role: s.message ? "status" : undefined }, s.message),
    );
    if (hadFocus && !cancel.disabled) cancel.focus(); // keyboard users keep their place across updates
  }
}
