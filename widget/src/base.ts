/**
 * What every scitacean-ts view shares: the model defaults that name our module, a Lumino content
 * widget laid out in the view (render() runs before the view is in the document, so a layout is
 * used rather than Widget.attach), and a small DOM builder.
 */
import { DOMWidgetModel, DOMWidgetView } from "@jupyter-widgets/base";
import { PanelLayout, Widget } from "@lumino/widgets";
import { MODULE_NAME, MODULE_VERSION } from "./version";

/** The `_model_*`/`_view_*` defaults of a model named `name` with view `view`. */
export function moduleDefaults(name: string, view: string): Record<string, string> {
  return {
    _model_name: name,
    _model_module: MODULE_NAME,
    _model_module_version: MODULE_VERSION,
    _view_name: view,
    _view_module: MODULE_NAME,
    _view_module_version: MODULE_VERSION,
  };
}

/** Attributes of {@link h}: strings are set as attributes, booleans add or leave them out. */
export type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | null>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

let nextId = 0;
/** A document-unique element id, for label `for` and `aria-describedby`. */
export function uniqueId(prefix: string): string {
  nextId += 1;
  return `scitacean-${prefix}-${nextId}`;
}

/** True while `node` has the keyboard focus: the kernel's echo must not overwrite what is being typed. */
export function hasFocus(node: Element): boolean {
  return node.ownerDocument.activeElement === node;
}

/**
 * A view whose DOM lives in one Lumino widget, so that JupyterLab's attach, detach and resize
 * messages reach it.
 */
export abstract class ContentView extends DOMWidgetView {
  protected content!: Widget;

  /** Creates the content widget (with class `className`) and lays it out in the view. */
  protected mountContent(className: string): HTMLElement {
    this.content = new Widget();
    this.content.addClass("scitacean-widget");
    this.content.addClass(className);
    const layout = new PanelLayout();
    this.luminoWidget.layout = layout;
    layout.addWidget(this.content);
    return this.content.node;
  }

  remove(): unknown {
    this.content?.dispose();
    return super.remove();
  }
}

export { DOMWidgetModel };
