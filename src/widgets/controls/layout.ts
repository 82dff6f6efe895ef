/**
 * `Layout`: the CSS box properties of a widget (ipywidgets 8's `LayoutModel`).
 * @module
 */
import { widgetClass } from "../model";
import type { WidgetSpec } from "../model";

/** CSS properties of a widget's box; `null` leaves a property to the front end's default. */
export interface LayoutState {
  alignContent: string | null;
  alignItems: string | null;
  alignSelf: string | null;
  borderBottom: string | null;
  borderLeft: string | null;
  borderRight: string | null;
  borderTop: string | null;
  bottom: string | null;
  display: string | null;
  flex: string | null;
  flexFlow: string | null;
  gridArea: string | null;
  gridAutoColumns: string | null;
  gridAutoFlow: string | null;
  gridAutoRows: string | null;
  gridColumn: string | null;
  gridGap: string | null;
  gridRow: string | null;
  gridTemplateAreas: string | null;
  gridTemplateColumns: string | null;
  gridTemplateRows: string | null;
  height: string | null;
  justifyContent: string | null;
  justifyItems: string | null;
  left: string | null;
  margin: string | null;
  maxHeight: string | null;
  maxWidth: string | null;
  minHeight: string | null;
  minWidth: string | null;
  objectFit: string | null;
  objectPosition: string | null;
  order: string | null;
  overflow: string | null;
  padding: string | null;
  right: string | null;
  top: string | null;
  visibility: string | null;
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
