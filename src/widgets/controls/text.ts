/**
 * Text controls: `Text`, `Textarea` (editable), `Label` and `HTML` (display only).
 * @module
 */
import { escapeHtml } from "../../html/escape";
import { widgetClass } from "../model";
import type { TraitMap, WidgetSpec } from "../model";
import { DESCRIPTION_TRAITS, WIDGET_REFERENCES, controlsRef, descriptionDefaults } from "./common";
import type { DescriptionState } from "./common";
import { HTMLStyle, LabelStyle, TextStyle } from "./styles";

/** Traits of every string widget. */
export interface StringState<Style> extends DescriptionState<Style> {
  /** The text shown (and, for inputs, edited). */
  value: string;
  /** Shown while `value` is empty. ipywidgets' default is a zero-width space. */
  placeholder: string;
}

/** Traits of editable text. */
export interface TextState extends StringState<TextStyle> {
  /** Send `value` on every keystroke (`true`) or only on Enter / leaving the field. */
  continuousUpdate: boolean;
  /** Whether the field is read-only in the page. */
  disabled: boolean;
}

/** Traits of a multi-line text area. */
export interface TextareaState extends TextState {
  /** Visible rows; `null` for the default. */
  rows: number | null;
}

const ZERO_WIDTH_SPACE = "\u200b";

function stringSpec<S extends StringState<Style>, Style>(
  name: string,
  view: string,
  extraTraits: Omit<TraitMap<S>, keyof StringState<Style>>,
  defaults: (init: Partial<S>) => S,
): WidgetSpec<S> {
  return {
    model: controlsRef(name),
    view: controlsRef(view),
    traits: { ...DESCRIPTION_TRAITS, value: true, placeholder: true, ...extraTraits } as TraitMap<S>,
    defaults,
    references: WIDGET_REFERENCES,
    coerce(key, value) {
      if (key === "value" && typeof value !== "string") throw new TypeError(`${name}.value must be a string, not ${JSON.stringify(value)}`);
      return value;
    },
  };
}

function stringDefaults<Style>(init: Partial<StringState<Style>>, makeStyle: () => Style): StringState<Style> {
  return { ...descriptionDefaults(init, makeStyle), value: "", placeholder: ZERO_WIDTH_SPACE };
}

/** A one-line text input: `new Text({ value: "", description: "Name" })`. */
export class Text extends widgetClass(
  stringSpec<TextState, TextStyle>("TextModel", "TextView", { continuousUpdate: true, disabled: true }, (init) => ({
    ...stringDefaults(init, () => new TextStyle()),
    continuousUpdate: true,
    disabled: false,
  })),
) {
  override htmlFallback(): string {
    return `${descriptionHtml(this.description)}<input type="text" value="${escapeHtml(this.value)}" disabled>`;
  }
}

/** A multi-line text input. */
export class Textarea extends widgetClass(
  stringSpec<TextareaState, TextStyle>(
    "TextareaModel",
    "TextareaView",
    { continuousUpdate: true, disabled: true, rows: true },
    (init) => ({ ...stringDefaults(init, () => new TextStyle()), continuousUpdate: true, disabled: false, rows: null }),
  ),
) {
  override htmlFallback(): string {
    return `${descriptionHtml(this.description)}<textarea disabled>${escapeHtml(this.value)}</textarea>`;
  }
}

/** A text label. */
export class Label extends widgetClass(
  stringSpec<StringState<LabelStyle>, LabelStyle>("LabelModel", "LabelView", {}, (init) => stringDefaults(init, () => new LabelStyle())),
) {
  override htmlFallback(): string {
    return `<span>${escapeHtml(this.value)}</span>`;
  }
}

/** HTML content (rendered by the front end as it is: pass only markup you trust). */
export class HTML extends widgetClass(
  stringSpec<StringState<HTMLStyle>, HTMLStyle>("HTMLModel", "HTMLView", {}, (init) => stringDefaults(init, () => new HTMLStyle())),
) {
  override htmlFallback(): string {
    return `${descriptionHtml(this.description)}<div>${this.value}</div>`;
  }
}

/** The description label of a fallback, escaped. */
export function descriptionHtml(description: string): string {
  return description ? `<span>${escapeHtml(description)}</span> ` : "";
}
