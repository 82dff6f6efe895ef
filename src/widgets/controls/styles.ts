/**
 * Style models of the standard controls (ipywidgets 8): colours, fonts and the description
 * width. Each control makes its own style unless one is given.
 * @module
 */
import { widgetClass } from "../model";
import type { TraitMap, WidgetSpec } from "../model";
import { baseRef, controlsRef } from "./common";

function styleSpec<S extends object>(name: string, traits: TraitMap<S>, defaults: S): WidgetSpec<S> {
  return { model: controlsRef(name), view: baseRef("StyleView"), traits, defaults: () => ({ ...defaults }) };
}

/** Style of every control with a description. */
export interface DescriptionStyleState {
  /** CSS width of the description label, e.g. `"10em"`; `""` for the default. */
  descriptionWidth: string;
}
const DESCRIPTION = { descriptionWidth: true } as const;

/** Font traits shared by several styles; `null` for the default. */
export interface FontStyleState {
  /** CSS `font-family`. */
  fontFamily: string | null;
  /** CSS `font-size`. */
  fontSize: string | null;
  /** CSS `font-style`. */
  fontStyle: string | null;
  /** CSS `font-variant`. */
  fontVariant: string | null;
  /** CSS `font-weight`. */
  fontWeight: string | null;
  /** CSS colour of the text. */
  textColor: string | null;
  /** CSS `text-decoration`. */
  textDecoration: string | null;
}
const FONT = { fontFamily: true, fontSize: true, fontStyle: true, fontVariant: true, fontWeight: true, textColor: true, textDecoration: true } as const;
const NO_FONT: FontStyleState = { fontFamily: null, fontSize: null, fontStyle: null, fontVariant: null, fontWeight: null, textColor: null, textDecoration: null };

/** Style of a {@link Dropdown} (and other plain description controls). */
export class DescriptionStyle extends widgetClass<DescriptionStyleState>(
  styleSpec("DescriptionStyleModel", DESCRIPTION, { descriptionWidth: "" }),
) {}

/** Style of progress bars. */
export interface ProgressStyleState extends DescriptionStyleState {
  /** CSS colour of the bar; `null` for the bar style's colour. */
  barColor: string | null;
}
/** Style of {@link IntProgress} and {@link FloatProgress}. */
export class ProgressStyle extends widgetClass<ProgressStyleState>(
  styleSpec("ProgressStyleModel", { ...DESCRIPTION, barColor: true }, { descriptionWidth: "", barColor: null }),
) {}

/** Style of text inputs. */
export interface TextStyleState extends DescriptionStyleState {
  /** CSS background colour. */
  background: string | null;
  /** CSS `font-size`. */
  fontSize: string | null;
  /** CSS colour of the text. */
  textColor: string | null;
}
const TEXT_STYLE = { ...DESCRIPTION, background: true, fontSize: true, textColor: true } as const;
const TEXT_DEFAULTS: TextStyleState = { descriptionWidth: "", background: null, fontSize: null, textColor: null };
/** Style of {@link Text} and {@link Textarea}. */
export class TextStyle extends widgetClass<TextStyleState>(styleSpec("TextStyleModel", TEXT_STYLE, TEXT_DEFAULTS)) {}
/** Style of {@link HTML}. */
export class HTMLStyle extends widgetClass<TextStyleState>(styleSpec("HTMLStyleModel", TEXT_STYLE, TEXT_DEFAULTS)) {}

/** Style of labels. */
export interface LabelStyleState extends DescriptionStyleState, FontStyleState {
  /** CSS background colour. */
  background: string | null;
}
/** Style of {@link Label}. */
export class LabelStyle extends widgetClass<LabelStyleState>(
  styleSpec("LabelStyleModel", { ...DESCRIPTION, ...FONT, background: true }, { descriptionWidth: "", background: null, ...NO_FONT }),
) {}

/** Style of buttons. */
export interface ButtonStyleState extends FontStyleState {
  /** CSS colour of the button; `null` for the button style's colour. */
  buttonColor: string | null;
}
/** Style of {@link Button}. */
export class ButtonStyle extends widgetClass<ButtonStyleState>(
  styleSpec("ButtonStyleModel", { ...FONT, buttonColor: true }, { buttonColor: null, ...NO_FONT }),
) {}

/** Style of checkboxes. */
export interface CheckboxStyleState extends DescriptionStyleState {
  /** CSS background colour. */
  background: string | null;
}
/** Style of {@link Checkbox}. */
export class CheckboxStyle extends widgetClass<CheckboxStyleState>(
  styleSpec("CheckboxStyleModel", { ...DESCRIPTION, background: true }, { descriptionWidth: "", background: null }),
) {}
