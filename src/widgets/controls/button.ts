/**
 * `Button`: a push button whose clicks reach handlers in the kernel.
 * @module
 */
import { escapeHtml } from "../../html/escape";
import { callSafely, widgetClass } from "../model";
import type { JsonValue } from "../../comm";
import { DOM_WIDGET_TRAITS, WIDGET_REFERENCES, controlsRef, domWidgetDefaults } from "./common";
import type { DOMWidgetState } from "./common";
import { ButtonStyle } from "./styles";

/** Colour scheme of a button. */
export type ButtonStyleName = "" | "primary" | "success" | "info" | "warning" | "danger";

/** Traits of a button. */
export interface ButtonState extends DOMWidgetState {
  /** The button's label. */
  description: string;
  /** Whether clicks are ignored (the button is greyed out). */
  disabled: boolean;
  /** A Font Awesome icon name without the `fa-` prefix, e.g. `"check"`. */
  icon: string;
  /** Predefined colour scheme (ipywidgets' `button_style`). */
  buttonStyle: ButtonStyleName;
  /** Colours and font of the button. */
  style: ButtonStyle;
}

/** A button: `const go = new Button({ description: "Go" }); go.onClick(() => ...)`. */
export class Button extends widgetClass<ButtonState>({
  model: controlsRef("ButtonModel"),
  view: controlsRef("ButtonView"),
  traits: { ...DOM_WIDGET_TRAITS, description: true, disabled: true, icon: true, buttonStyle: true, style: true },
  defaults: (init) => ({
    ...domWidgetDefaults(init),
    description: "",
    disabled: false,
    icon: "",
    buttonStyle: "",
    style: init.style ?? new ButtonStyle(),
  }),
  references: WIDGET_REFERENCES,
}) {
  private readonly clickHandlers = new Set<(button: Button) => void | Promise<void>>();

  constructor(init: Partial<ButtonState> = {}) {
    super(init);
    // The front end sends a click as a custom message {event: "click"}.
    this.onCustom((content: JsonValue) => {
      if (content !== null && typeof content === "object" && !Array.isArray(content) && content.event === "click") this.click();
    });
  }

  /**
   * Calls `handler` (with this button) on every click. A handler that throws or rejects is
   * reported and does not stop the others. Returns a function that removes the handler.
   */
  onClick(handler: (button: Button) => void | Promise<void>): () => void {
    this.clickHandlers.add(handler);
    return () => this.clickHandlers.delete(handler);
  }

  /** Runs the click handlers now, one after the other, as a click in the front end does. */
  click(): void {
    for (const handler of [...this.clickHandlers]) {
      callSafely(() => handler(this), `Button "${this.description}": click handler failed:`);
    }
  }

  override htmlFallback(): string {
    return `<button disabled>${escapeHtml(this.description)}</button>`;
  }
}
