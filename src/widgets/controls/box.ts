/**
 * Containers: `Box`, `VBox` (children stacked) and `HBox` (children side by side).
 * @module
 */
import { widgetClass, WidgetModel } from "../model";
import type { Widget, WidgetSpec } from "../model";
import { DOM_WIDGET_TRAITS, controlsRef, domWidgetDefaults } from "./common";
import type { DOMWidgetState } from "./common";

/** Colour scheme of a box. */
export type BoxStyle = "" | "success" | "info" | "warning" | "danger";

/** Traits of a box. */
export interface BoxState extends DOMWidgetState {
  /** The widgets in the box, in order. */
  children: Widget[];
  /** Predefined border and colour scheme of the box (ipywidgets' `box_style`). */
  boxStyle: BoxStyle;
}

function boxSpec(name: string): WidgetSpec<BoxState> {
  return {
    model: controlsRef(`${name}Model`),
    view: controlsRef(`${name}View`),
    traits: { ...DOM_WIDGET_TRAITS, children: true, boxStyle: true },
    defaults: (init) => ({ ...domWidgetDefaults(init), children: [], boxStyle: "" }),
    references: ["layout", "children"],
    coerce(key, value) {
      if (key === "children" && !(Array.isArray(value) && (value as unknown[]).every((c) => c instanceof WidgetModel))) {
        throw new TypeError(`${name}.children must be a list of widgets`);
      }
      return key === "children" ? ([...(value as Widget[])] as typeof value) : value;
    },
  };
}

function childrenHtml(box: BoxState, direction: "row" | "column"): string {
  const parts = box.children.map((child) => child.mimeBundle()["text/html"] ?? "");
  return `<div style="display:flex;flex-direction:${direction};gap:4px">${parts.map((p) => `<div>${p}</div>`).join("")}</div>`;
}

/** A box of widgets laid out by its `layout`. */
export class Box extends widgetClass(boxSpec("Box")) {
  override htmlFallback(): string {
    return childrenHtml(this, "row");
  }
}

/** Widgets stacked vertically: `new VBox({ children: [name, bar, go] })`. */
export class VBox extends widgetClass(boxSpec("VBox")) {
  override htmlFallback(): string {
    return childrenHtml(this, "column");
  }
}

/** Widgets side by side. */
export class HBox extends widgetClass(boxSpec("HBox")) {
  override htmlFallback(): string {
    return childrenHtml(this, "row");
  }
}
