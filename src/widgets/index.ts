/**
 * Jupyter widgets for tslab notebooks: `import { IntProgress, Button, VBox } from "scitacean-ts/widgets"`.
 *
 * Widgets are live in the `tslab` kernel that scitacean-ts installs and in a stock tslab 1.0.22
 * kernel (attached at runtime); elsewhere they show as static HTML, after one warning. A widget
 * shows when it is a cell's last value or passed to `display()`.
 *
 * New widgets derive from {@link WidgetModel} (usually through {@link widgetClass}).
 * @module
 */
export { display } from "../display/index";
export {
  WIDGET_PROTOCOL_VERSION,
  WIDGET_TARGET,
  WIDGET_VIEW_MIME,
  WidgetModel,
  snakeCase,
  widgetClass,
} from "./model";
export type { ChangeSource, CustomHandler, ModuleRef, TraitChange, TraitMap, Widget, WidgetClass, WidgetSpec } from "./model";
export { CONTROL_TARGET, findWidget, liveWidgets } from "./registry";
export type { BufferPath, WireState } from "./serialize";
export * from "./controls";
export * from "./scitacean";
