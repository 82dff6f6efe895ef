/**
 * Progress bars: `IntProgress` and `FloatProgress` (ipywidgets 8's `ProgressView`).
 * @module
 */
import { escapeHtml } from "../../html/escape";
import { widgetClass } from "../model";
import type { WidgetSpec } from "../model";
import { DESCRIPTION_TRAITS, WIDGET_REFERENCES, controlsRef, descriptionDefaults } from "./common";
import type { DescriptionState } from "./common";
import { ProgressStyle } from "./styles";

/** Colour scheme of a progress bar. */
export type BarStyle = "" | "success" | "info" | "warning" | "danger";

/** Traits of a progress bar. */
export interface ProgressState extends DescriptionState<ProgressStyle> {
  /** The progress, kept within [`min`, `max`]. */
  value: number;
  /** Value of an empty bar. */
  min: number;
  /** Value of a full bar. */
  max: number;
  /** Predefined colour of the bar (ipywidgets' `bar_style`). */
  barStyle: BarStyle;
  /** Direction in which the bar fills. */
  orientation: "horizontal" | "vertical";
}

function progressSpec(name: string, integer: boolean): WidgetSpec<ProgressState> {
  return {
    model: controlsRef(name),
    view: controlsRef("ProgressView"),
    traits: { ...DESCRIPTION_TRAITS, value: true, min: true, max: true, barStyle: true, orientation: true },
    defaults: (init) => ({
      ...descriptionDefaults(init, () => new ProgressStyle()),
      value: 0,
      min: 0,
      max: 100,
      barStyle: "",
      orientation: "horizontal",
    }),
    references: WIDGET_REFERENCES,
    // As ipywidgets: numbers are checked, ints rounded, and the value clamped to [min, max].
    coerce(key, value, state) {
      if (key !== "value" && key !== "min" && key !== "max") return value;
      if (typeof value !== "number" || Number.isNaN(value)) {
        throw new TypeError(`${name}.${key} must be a number, not ${JSON.stringify(value)}`);
      }
      const n = integer ? Math.round(value) : value;
      if (key !== "value") return n as typeof value;
      const min = state.min ?? -Infinity;
      const max = state.max ?? Infinity;
      return Math.min(Math.max(n, min), max) as typeof value;
    },
  };
}

function progressHtml(p: ProgressState): string {
  const label = p.description ? `<span>${escapeHtml(p.description)}</span> ` : "";
  return `${label}<progress value="${p.value - p.min}" max="${p.max - p.min}"></progress>`;
}

/** A progress bar of whole numbers: `new IntProgress({ value: 0, max: 10, description: "Steps" })`. */
export class IntProgress extends widgetClass(progressSpec("IntProgressModel", true)) {
  override htmlFallback(): string {
    return progressHtml(this);
  }
}

/** A progress bar of real numbers. */
export class FloatProgress extends widgetClass(progressSpec("FloatProgressModel", false)) {
  override htmlFallback(): string {
    return progressHtml(this);
  }
}
