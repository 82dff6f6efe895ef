/**
 * The JupyterLab plugin: registers our widget module with the ipywidgets manager, so that widgets
 * whose `_model_module` is `scitacean-ts-widgets` render with our views.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { IJupyterWidgetRegistry } from "@jupyter-widgets/base";
import * as widgetExports from "./index";
import { MODULE_NAME, MODULE_VERSION } from "./version";

const plugin: JupyterFrontEndPlugin<void> = {
  id: `${MODULE_NAME}:plugin`,
  requires: [IJupyterWidgetRegistry],
  autoStart: true,
  activate: (_app: JupyterFrontEnd, registry: IJupyterWidgetRegistry) => {
    registry.registerWidget({ name: MODULE_NAME, version: MODULE_VERSION, exports: widgetExports });
  },
};

export default plugin;
