/**
 * What the scitacean-ts widgets share kernel-side: the front-end module they name, the DOM traits
 * every widget with a view has, and setting a computed state while sending only what changed.
 * @module
 */
import type { ModuleRef, TraitMap, WidgetModel, WidgetSpec } from "../model";
import { DOM_WIDGET_TRAITS, domWidgetDefaults, type DOMWidgetState } from "../controls/common";

/** The npm name of the front end (widget/package.json). */
export const FRONT_END_MODULE = "scitacean-ts-widgets";
/** The front-end versions the kernel accepts: any 0.1.x (widget/package.json is 0.1.0). */
export const FRONT_END_VERSION = "^0.1.0";

/** A model or view class of our front end. */
export function frontEndRef(name: string): ModuleRef {
  return { module: FRONT_END_MODULE, version: FRONT_END_VERSION, name };
}

/** The trait map of a state whose keys go over the wire as they are (the front end reads the same names). */
export function sameNameTraits<S extends object>(example: S): TraitMap<S> {
  return Object.fromEntries(Object.keys(example).map((k) => [k, k])) as unknown as TraitMap<S>;
}

/** The DOM traits (layout, classes, …) with the traits of `state`, for a widget's spec. */
export function withDomTraits<S extends object>(example: S): TraitMap<S & DOMWidgetState> {
  return { ...DOM_WIDGET_TRAITS, ...sameNameTraits(example) } as TraitMap<S & DOMWidgetState>;
}

export { domWidgetDefaults, type DOMWidgetState };

/**
 * Sets the keys of `next` that differ (deeply, as JSON) from the model's current values, in one
 * update: computed state is rebuilt as new objects each time, which a shallow check would always
 * see as changed.
 */
export function setChanged<S extends object>(model: WidgetModel<S>, next: Partial<S>): void {
  const changes: Partial<S> = {};
  let any = false;
  for (const [key, value] of Object.entries(next) as [keyof S, S[keyof S]][]) {
    if (JSON.stringify(model.get(key)) !== JSON.stringify(value)) {
      changes[key] = value;
      any = true;
    }
  }
  if (any) model.set(changes);
}

/**
 * The spec of a widget whose state is computed in the kernel (`initial` is its first value): our
 * front end's `<name>Model`/`<name>View`, the DOM traits, and every state trait read-only for the
 * front end, which changes state only through requests (custom messages).
 */
export function computedStateSpec<S extends object>(name: string, initial: S): WidgetSpec<S & DOMWidgetState> {
  return {
    model: frontEndRef(`${name}Model`),
    view: frontEndRef(`${name}View`),
    traits: withDomTraits(initial),
    defaults: (init) => ({ ...initial, ...domWidgetDefaults(init) }),
    references: ["layout"],
    readOnly: Object.keys(initial) as (keyof S)[],
  };
}
