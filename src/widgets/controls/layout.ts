/**
 * `Layout`: the CSS box properties of a widget (ipywidgets 8's `LayoutModel`).
 * @module
 */
import { widgetClass } from "../model";
import type { WidgetSpec } from "../model";

/** CSS properties of a widget's box; `null` leaves a property to the front end's default. */
export interface LayoutState {
  /** CSS `align-content` of the widget's box. */
  alignContent: string | null;
  /** CSS `align-items` of the widget's box. */
  alignItems: string | null;
  /** CSS `align-self` of the widget's box. */
  alignSelf: string | null;
  /** CSS `border-bottom` of the widget's box. */
  borderBottom: string | null;
  /** CSS `border-left` of the widget's box. */
  borderLeft: string | null;
  /** CSS `border-right` of the widget's box. */
  borderRight: string | null;
  /** CSS `border-top` of the widget's box. */
  borderTop: string | null;
  /** CSS `bottom` of the widget's box. */
  bottom: string | null;
  /** CSS `display` of the widget's box. */
  display: string | null;
  /** CSS `flex` of the widget's box. */
  flex: string | null;
  /** CSS `flex-flow` of the widget's box. */
  flexFlow: string | null;
  /** CSS `grid-area` of the widget's box. */
  gridArea: string | null;
  /** CSS `grid-auto-columns` of the widget's box. */
  gridAutoColumns: string | null;
  /** CSS `grid-auto-flow` of the widget's box. */
  gridAutoFlow: string | null;
  /** CSS `grid-auto-rows` of the widget's box. */
  gridAutoRows: string | null;
  /** CSS `grid-column` of the widget's box. */
  gridColumn: string | null;
  /** CSS `grid-gap` of the widget's box. */
  gridGap: string | null;
  /** CSS `grid-row` of the widget's box. */
  gridRow: string | null;
  /** CSS `grid-template-areas` of the widget's box. */
  gridTemplateAreas: string | null;
  /** CSS `grid-template-columns` of the widget's box. */
  gridTemplateColumns: string | null;
  /** CSS `grid-template-rows` of the widget's box. */
  gridTemplateRows: string | null;
  /** CSS `height` of the widget's box. */
  height: string | null;
  /** CSS `justify-content` of the widget's box. */
  justifyContent: string | null;
  /** CSS `justify-items` of the widget's box. */
  justifyItems: string | null;
  /** CSS `left` of the widget's box. */
  left: string | null;
  /** CSS `margin` of the widget's box. */
  margin: string | null;
  /** CSS `max-height` of the widget's box. */
  maxHeight: string | null;
  /** CSS `max-width` of the widget's box. */
  maxWidth: string | null;
  /** CSS `min-height` of the widget's box. */
  minHeight: string | null;
  /** CSS `min-width` of the widget's box. */
  minWidth: string | null;
  /** CSS `object-fit` of the widget's box. */
  objectFit: string | null;
  /** CSS `object-position` of the widget's box. */
  objectPosition: string | null;
  /** CSS `order` of the widget's box. */
  order: string | null;
  /** CSS `overflow` of the widget's box. */
  overflow: string | null;
  /** CSS `padding` of the widget's box. */
  padding: string | null;
  /** CSS `right` of the widget's box. */
  right: string | null;
  /** CSS `top` of the widget's box. */
  top: string | null;
  /** CSS `visibility` of the widget's box. */
  visibility: string | null;
  /** CSS `width` of the widget's box. */
  width: string | null;
}

const KEYS: (keyof LayoutState)[] = [
  "alignContent", "alignItems", "alignSelf", "borderBottom", "borderLeft", "borderRight", "borderTop", "bottom",
  "display", "flex", "flexFlow", "gridArea", "gridAutoColumns", "gridAutoFlow", "gridAutoRows", "gridColumn",
  "gridGap", "gridRow", "gridTemplateAreas", "gridTemplateColumns", "gridTemplateRows", "height",
  "justifyContent", "justifyItems", "left", "margin", "maxHeight", "maxWidth", "minHeight", "minWidth",
  "objectFit", "objectPosition", "order", "overflow", "padding", "right", "top", "visibility", "width",
];

/** The spec of {@link Layout}: every CSS property under its snake_case name, all `null` by default. */
export const LAYOUT_SPEC: WidgetSpec<LayoutState> = {
  model: { module: "@jupyter-widgets/base", version: "2.0.0", name: "LayoutModel" },
  view: { module: "@jupyter-widgets/base", version: "2.0.0", name: "LayoutView" },
  traits: Object.fromEntries(KEYS.map((k) => [k, true])) as Record<keyof LayoutState, true>,
  defaults: () => Object.fromEntries(KEYS.map((k) => [k, null])) as unknown as LayoutState,
};

/** The layout of a widget: `new Text({ layout: new Layout({ width: "20em" }) })`. */
export class Layout extends widgetClass(LAYOUT_SPEC) {}
