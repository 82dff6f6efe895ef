/**
 * What the standard controls share: the module refs of ipywidgets 8's front end, and the traits
 * of every DOM widget and of every control with a description.
 * @module
 */
import type { ModuleRef, TraitMap } from "../model";
import { Layout } from "./layout";

/** Version of `@jupyter-widgets/base` and `@jupyter-widgets/controls` that ipywidgets 8 targets. */
export const JUPYTER_WIDGETS_VERSION = "2.0.0";

/** A model or view class of `@jupyter-widgets/controls`. */
export function controlsRef(name: string): ModuleRef {
  return { module: "@jupyter-widgets/controls", version: JUPYTER_WIDGETS_VERSION, name };
}

/** A model or view class of `@jupyter-widgets/base`. */
export function baseRef(name: string): ModuleRef {
  return { module: "@jupyter-widgets/base", version: JUPYTER_WIDGETS_VERSION, name };
}

/** Traits of every widget with a view (ipywidgets' `DOMWidget`). */
export interface DOMWidgetState {
  /** CSS classes of the widget's element. */
  domClasses: string[];
  /** The widget's layout (CSS box properties). */
  layout: Layout;
  /** Whether the widget can be reached with Tab; `null` for the default. */
  tabbable: boolean | null;
  /** A tooltip caption. */
  tooltip: string | null;
}

/** Trait map of {@link DOMWidgetState}. */
export const DOM_WIDGET_TRAITS: TraitMap<DOMWidgetState> = { domClasses: "_dom_classes", layout: true, tabbable: true, tooltip: true };

/** Defaults of {@link DOMWidgetState}; a new `Layout` unless `init` brings one. */
export function domWidgetDefaults(init: Partial<DOMWidgetState>): DOMWidgetState {
  return { domClasses: [], layout: init.layout ?? new Layout(), tabbable: null, tooltip: null };
}

/** Traits of controls with a description label (ipywidgets' `DescriptionWidget`). */
export interface DescriptionState<Style> extends DOMWidgetState {
  /** The label shown next to the control. */
  description: string;
  /** Whether `description` is HTML rather than text. */
  descriptionAllowHtml: boolean;
  /** The control's style model. */
  style: Style;
}

/** Trait map of {@link DescriptionState}. */
export const DESCRIPTION_TRAITS: TraitMap<DescriptionState<unknown>> = {
  ...DOM_WIDGET_TRAITS,
  description: true,
  descriptionAllowHtml: true,
  style: true,
};

/** Defaults of {@link DescriptionState}, with a new style from `makeStyle` unless `init` brings one. */
export function descriptionDefaults<Style>(init: Partial<DescriptionState<Style>>, makeStyle: () => Style): DescriptionState<Style> {
  return { ...domWidgetDefaults(init), description: "", descriptionAllowHtml: false, style: init.style ?? makeStyle() };
}

/** Traits that hold widgets in every control: restored from references when the front end sends them. */
export const WIDGET_REFERENCES = ["layout", "style"] as const;
