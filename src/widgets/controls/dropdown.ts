/**
 * `Dropdown`: one choice out of a list. As in ipywidgets, only the labels and the selected index
 * are synced with the front end; the option values stay in the kernel.
 * @module
 */
import { escapeHtml } from "../../html/escape";
import { widgetClass } from "../model";
import { DESCRIPTION_TRAITS, WIDGET_REFERENCES, controlsRef, descriptionDefaults } from "./common";
import type { DescriptionState } from "./common";
import { DescriptionStyle } from "./styles";
import { descriptionHtml } from "./text";

/** An option: a string (label and value at once) or a `[label, value]` pair. */
export type DropdownOption<T> = string | readonly [string, T];

/** Synced traits of a dropdown. */
export interface DropdownState extends DescriptionState<DescriptionStyle> {
  /** The labels of the options, in order (wire name `_options_labels`). */
  optionsLabels: string[];
  /** The selected option, or `null` for none. */
  index: number | null;
  /** Whether the selection is read-only in the page. */
  disabled: boolean;
}

/** Options of `new Dropdown(...)`: the synced traits, plus the options and the selected value. */
export interface DropdownOptions<T> extends Partial<Omit<DropdownState, "optionsLabels">> {
  /** The options: labels, or `[label, value]` pairs. */
  options?: readonly DropdownOption<T>[];
  /** The selected value (instead of `index`). Must be one of the options' values. */
  value?: T | null;
}

const Base = widgetClass<DropdownState>({
  model: controlsRef("DropdownModel"),
  view: controlsRef("DropdownView"),
  traits: { ...DESCRIPTION_TRAITS, optionsLabels: "_options_labels", index: true, disabled: true },
  defaults: (init) => ({ ...descriptionDefaults(init, () => new DescriptionStyle()), optionsLabels: [], index: null, disabled: false }),
  references: WIDGET_REFERENCES,
  coerce(key, value, state) {
    if (key !== "index" || value === null) return value;
    const n = value as number;
    if (!Number.isInteger(n) || n < 0 || n >= state.optionsLabels.length) {
      throw new TypeError(`Dropdown.index ${JSON.stringify(value)} is not an option (there are ${state.optionsLabels.length})`);
    }
    return value;
  },
});

/**
 * A dropdown list: `new Dropdown({ options: ["raw", "derived"], value: "raw" })`. Observe
 * `"index"` for changes; {@link Dropdown.value} and {@link Dropdown.label} read the selection.
 */
export class Dropdown<T = string> extends Base {
  private optionValues: T[] = [];

  constructor(init: DropdownOptions<T> = {}) {
    const { options = [], value, ...traits } = init;
    const labels = options.map(labelOf);
    const values = options.map((o) => valueOf<T>(o));
    let index = traits.index ?? (labels.length > 0 ? 0 : null);
    if (value !== undefined) index = value === null ? null : indexOfValue(values, value);
    super({ ...traits, optionsLabels: labels, index });
    this.optionValues = values;
  }

  /** The options, as `[label, value]` pairs. Assigning them resets the selection to the first. */
  get options(): [string, T][] {
    return this.optionsLabels.map((label, i) => [label, this.optionValues[i] as T]);
  }
  /** Replaces the options and selects the first. */
  set options(options: readonly DropdownOption<T>[]) {
    this.optionValues = options.map((o) => valueOf<T>(o));
    // Index first, so that it never points past the new labels.
    this.set({ index: null });
    this.set({ optionsLabels: options.map(labelOf), index: options.length > 0 ? 0 : null });
  }

  /** The selected value, or `null`. Assigning selects the option with that value. */
  get value(): T | null {
    return this.index === null ? null : (this.optionValues[this.index] ?? null);
  }
  /** Selects the option with this value; `null` selects none. */
  set value(value: T | null) {
    this.index = value === null ? null : indexOfValue(this.optionValues, value);
  }

  /** The selected label, or `null`. */
  get label(): string | null {
    return this.index === null ? null : (this.optionsLabels[this.index] ?? null);
  }

  override htmlFallback(): string {
    const items = this.optionsLabels.map((l, i) => `<option${i === this.index ? " selected" : ""}>${escapeHtml(l)}</option>`);
    return `${descriptionHtml(this.description)}<select disabled>${items.join("")}</select>`;
  }
}

function labelOf<T>(option: DropdownOption<T>): string {
  return typeof option === "string" ? option : option[0];
}

function valueOf<T>(option: DropdownOption<T>): T {
  return (typeof option === "string" ? option : option[1]) as T;
}

function indexOfValue<T>(values: readonly T[], value: T): number {
  const i = values.findIndex((v) => Object.is(v, value));
  if (i < 0) throw new TypeError(`Dropdown: ${JSON.stringify(value)} is not one of the options`);
  return i;
}
