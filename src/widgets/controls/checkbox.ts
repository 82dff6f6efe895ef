/**
 * `Checkbox`: a boolean with a label.
 * @module
 */
import { widgetClass } from "../model";
import { DESCRIPTION_TRAITS, WIDGET_REFERENCES, controlsRef, descriptionDefaults } from "./common";
import type { DescriptionState } from "./common";
import { CheckboxStyle } from "./styles";
import { descriptionHtml } from "./text";

/** Traits of a checkbox. */
export interface CheckboxState extends DescriptionState<CheckboxStyle> {
  /** Whether the box is ticked. */
  value: boolean;
  /** Whether the box is read-only in the page. */
  disabled: boolean;
  /** Indent the box to line up with other controls' descriptions. */
  indent: boolean;
}

/** A checkbox: `new Checkbox({ value: true, description: "Overwrite" })`. */
export class Checkbox extends widgetClass<CheckboxState>({
  model: controlsRef("CheckboxModel"),
  view: controlsRef("CheckboxView"),
  traits: { ...DESCRIPTION_TRAITS, value: true, disabled: true, indent: true },
  defaults: (init) => ({ ...descriptionDefaults(init, () => new CheckboxStyle()), value: false, disabled: false, indent: true }),
  references: WIDGET_REFERENCES,
  coerce(key, value) {
    if (key === "value" && typeof value !== "boolean") throw new TypeError(`Checkbox.value must be true or false, not ${JSON.stringify(value)}`);
    return value;
  },
}) {
  override htmlFallback(): string {
    return `<label><input type="checkbox"${this.value ? " checked" : ""} disabled> ${descriptionHtml(this.description)}</label>`;
  }
}
