/**
 * The standard Jupyter controls (ipywidgets 8 models and views of `@jupyter-widgets/controls`
 * 2.0.0 and `@jupyter-widgets/base` 2.0.0), kernel side.
 * @module
 */
export { Box, HBox, VBox } from "./box";
export type { BoxState, BoxStyle } from "./box";
export { Button } from "./button";
export type { ButtonState, ButtonStyleName } from "./button";
export { Checkbox } from "./checkbox";
export type { CheckboxState } from "./checkbox";
export { DOM_WIDGET_TRAITS, DESCRIPTION_TRAITS, JUPYTER_WIDGETS_VERSION, baseRef, controlsRef, descriptionDefaults, domWidgetDefaults } from "./common";
export type { DOMWidgetState, DescriptionState } from "./common";
export { Dropdown } from "./dropdown";
export type { DropdownOption, DropdownOptions, DropdownState } from "./dropdown";
export { LAYOUT_SPEC, Layout } from "./layout";
export type { LayoutState } from "./layout";
export { FloatProgress, IntProgress } from "./progress";
export type { BarStyle, ProgressState } from "./progress";
export { ButtonStyle, CheckboxStyle, DescriptionStyle, HTMLStyle, LabelStyle, ProgressStyle, TextStyle } from "./styles";
export type { ButtonStyleState, CheckboxStyleState, DescriptionStyleState, FontStyleState, LabelStyleState, ProgressStyleState, TextStyleState } from "./styles";
export { HTML, Label, Text, Textarea } from "./text";
export type { StringState, TextState, TextareaState } from "./text";
