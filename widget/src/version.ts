/** The module name the kernel puts in `_model_module`/`_view_module`; equals package.json's name. */
export const MODULE_NAME = "scitacean-ts-widgets";
/** Equals package.json's version; the kernel asks for `^0.1.0`. */
export const MODULE_VERSION = "0.1.0";
