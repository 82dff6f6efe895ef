import type { PID } from "../values/pid";
import type { RemotePath } from "../values/remote-path";
import type { Thumbnail } from "../values/thumbnail";
import type { Lifecycle, Relationship, Technique } from "./user-models";

/** The two kinds of dataset in SciCat API v3. */
export type DatasetType = "raw" | "derived";

/** The dataset types, for iteration and runtime checks. */
export const DATASET_TYPES: readonly DatasetType[] = ["raw", "derived"];

/**
 * The value type of every field type name used in the table. The names are
 * written the way a TypeScript user writes them, and shown as such in tables.
 */
export interface FieldValueTypes {
  string: string;
  number: number;
  boolean: boolean;
  Date: Date;
  "string[]": string[];
  PID: PID;
  "PID[]": PID[];
  RemotePath: RemotePath;
  Lifecycle: Lifecycle;
  "Relationship[]": Relationship[];
  "Technique[]": Technique[];
  "Record<string, unknown>": Record<string, unknown>;
  DatasetType: DatasetType;
}

/**
 * What a field accepts on input (constructor, `set`, `replace`): the stored
 * type, plus the plain forms a notebook user naturally writes.
 */
export interface FieldInputTypes
  extends Omit<FieldValueTypes, "Date" | "PID" | "PID[]" | "RemotePath" | "Relationship[]" | "Technique[]"> {
  Date: Date | string;
  PID: PID | string;
  "PID[]": Array<PID | string>;
  RemotePath: RemotePath | string;
  "Relationship[]": Array<
    | Relationship
    | {
        /** PID of the related dataset. */
        pid: PID | string;
        /** How the datasets relate, e.g. `is derived from`. */
        relationship: string;
      }
  >;
  "Technique[]": Array<
    | Technique
    | {
        /** Name of the technique. */
        name: string;
        /** Persistent identifier of the technique. */
        pid: string;
      }
  >;
  /** A Thumbnail, or its data URL (`data:image/png;base64,…`). */
  Thumbnail: Thumbnail | string;
}

/** The name of a field type. */
export type FieldTypeName = keyof FieldValueTypes;

/** One row of a field table. */
export interface FieldSpec {
  /** TypeScript property name (camelCase). */
  readonly name: string;
  /** Name in SciCat's JSON. */
  readonly scicatName: string;
  /** Value type, as a TypeScript user writes it. */
  readonly type: FieldTypeName;
  /** Required for upload by the dataset types that use the field. */
  readonly required: boolean;
  /** Set by SciCat; users cannot set it and it is never uploaded. */
  readonly readOnly: boolean;
  /** Which dataset types the field belongs to. */
  readonly usedBy: {
    /** Raw datasets have the field. */
    readonly raw: boolean;
    /** Derived datasets have the field. */
    readonly derived: boolean;
  };
  /** Shown in the main table of the HTML view rather than under "Advanced fields". */
  readonly main: boolean;
  /** SciCat's description of the field. */
  readonly description: string;
}
