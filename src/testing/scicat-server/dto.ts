/**
 * The stand-in server's request validation: a small copy of the class-validator
 * rules of SciCat's create DTOs (backend v5, `/api/v3` routes), producing the
 * same `ValidationError` objects and messages as the real server, so that
 * clients see the same error bodies.
 *
 * Deliberately independent of the client's own validation, so that tests
 * against this server can catch client rules that are too lax.
 */

/** One validation rule; the messages are class-validator's. */
export type Rule =
  | "string"
  | "notEmpty"
  | "int"
  | "number"
  | "boolean"
  | "dateString"
  | "email"
  | "emailList"
  | "url"
  | "object"
  | "array"
  | "arrayNotEmpty"
  | "stringEach"
  | { readonly enum: readonly string[] }
  | { readonly nested: Dto };

/** Rules of one property. Optional properties skip all rules when absent or `null`. */
export interface PropertySpec {
  readonly rules: readonly Rule[];
  readonly optional: boolean;
}

/** A DTO: its whitelisted properties. */
export type Dto = Readonly<Record<string, PropertySpec>>;

/** class-validator's `ValidationError`, serialised with `value: false, target: false` as SciCat does. */
export interface WireValidationError {
  property: string;
  children: WireValidationError[];
  constraints?: Record<string, string>;
}

const req = (...rules: Rule[]): PropertySpec => ({ rules, optional: false });
const opt = (...rules: Rule[]): PropertySpec => ({ rules, optional: true });

// Close to validator.js `isEmail`: a local part, an @, and a domain with a letter-only top-level label.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
// `IsUrl({ require_protocol: false })`: an optional scheme, a host name with a top-level label, port and path.
const URL_LIKE = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?$/;

const isEmail = (v: unknown): boolean => typeof v === "string" && EMAIL.test(v) && !v.includes("..");
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks one rule; returns `[constraintName, message]` when it fails. */
function failure(rule: Rule, property: string, value: unknown): [string, string] | null {
  if (typeof rule === "object") {
    if ("enum" in rule) {
      return rule.enum.includes(value as string)
        ? null
        : ["isEnum", `${property} must be one of the following values: ${rule.enum.join(", ")}`];
    }
    return null; // nested rules are handled by the caller
  }
  switch (rule) {
    case "string":
      return typeof value === "string" ? null : ["isString", `${property} must be a string`];
    case "notEmpty":
      return value === "" || value === null || value === undefined ? ["isNotEmpty", `${property} should not be empty`] : null;
    case "int":
      return Number.isInteger(value) ? null : ["isInt", `${property} must be an integer number`];
    case "number":
      return typeof value === "number" && Number.isFinite(value)
        ? null
        : ["isNumber", `${property} must be a number conforming to the specified constraints`];
    case "boolean":
      return typeof value === "boolean" ? null : ["isBoolean", `${property} must be a boolean value`];
    case "dateString":
      return typeof value === "string" && ISO_8601.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : ["isDateString", `${property} must be a valid ISO 8601 date string`];
    case "email":
      return isEmail(value) ? null : ["isEmail", `${property} must be an email`];
    case "emailList":
      return typeof value === "string" && value !== "" && value.split(";").every((e) => isEmail(e.trim()))
        ? null
        : ["customEmailList", `Expected an email or a list of semicolon separated emails, got ${String(value)}`];
    case "url":
      return typeof value === "string" && URL_LIKE.test(value) ? null : ["isUrl", `${property} must be a URL address`];
    case "object":
      return isPlainObject(value) ? null : ["isObject", `${property} must be an object`];
    case "array":
      return Array.isArray(value) ? null : ["isArray", `${property} must be an array`];
    case "arrayNotEmpty":
      return Array.isArray(value) && value.length > 0 ? null : ["arrayNotEmpty", `${property} should not be empty`];
    case "stringEach": {
      const items = Array.isArray(value) ? value : [value];
      return items.every((v) => typeof v === "string") ? null : ["isString", `each value in ${property} must be a string`];
    }
  }
}

/**
 * Validates `value` against `dto` like class-validator. With `whitelist`,
 * properties outside the DTO are errors (`forbidNonWhitelisted`).
 */
export function validateDto(dto: Dto, value: unknown, options: { whitelist: boolean }): WireValidationError[] {
  if (!isPlainObject(value)) {
    return [{ property: "", children: [], constraints: { unknownValue: "an unknown value was passed to the validate function" } }];
  }
  const errors: WireValidationError[] = [];
  for (const [property, spec] of Object.entries(dto)) {
    const v = value[property];
    if (spec.optional && (v === undefined || v === null)) continue;
    const constraints: Record<string, string> = {};
    const children: WireValidationError[] = [];
    for (const rule of spec.rules) {
      if (typeof rule === "object" && "nested" in rule) {
        if (v === undefined || v === null) continue;
        if (typeof v !== "object") {
          constraints["nestedValidation"] = `nested property ${property} must be either object or array`;
          continue;
        }
        const items: Array<[string, unknown]> = Array.isArray(v) ? v.map((item, i) => [String(i), item]) : [["", v]];
        for (const [index, item] of items) {
          const nested = validateDto(rule.nested, item, options);
          if (nested.length === 0) continue;
          if (index === "") children.push(...nested);
          else children.push({ property: index, children: nested });
        }
        continue;
      }
      const failed = failure(rule, property, v);
      if (failed) constraints[failed[0]] = failed[1];
    }
    if (Object.keys(constraints).length > 0 || children.length > 0) {
      errors.push({ property, children, ...(Object.keys(constraints).length > 0 ? { constraints } : {}) });
    }
  }
  if (options.whitelist) {
    for (const property of Object.keys(value)) {
      if (!(property in dto)) {
        errors.push({ property, children: [], constraints: { whitelistValidation: `property ${property} should not exist` } });
      }
    }
  }
  return errors;
}

/**
 * The messages of the global validation pipe: constraint texts, nested ones
 * prefixed with their path (`dataFileList.0.size must be …`).
 */
export function pipeMessages(errors: readonly WireValidationError[], parentPath = ""): string[] {
  return errors.flatMap((error) => {
    const prefix = parentPath === "" ? "" : `${parentPath}.`;
    return [
      ...Object.values(error.constraints ?? {}).map((m) => `${prefix}${m}`),
      ...pipeMessages(error.children, `${prefix}${error.property}`),
    ];
  });
}

const OWNABLE: Dto = {
  ownerGroup: req("string", "notEmpty"),
  accessGroups: opt("stringEach"),
  instrumentGroup: opt("string"),
};

const TECHNIQUE: Dto = { pid: req("string"), name: req("string") };

/** Backend v5's DataCite-style relationship (the 4.x shape `{pid, relationship}` is rejected). */
const RELATIONSHIP: Dto = {
  identifier: req("string"),
  identifierType: opt("string"),
  relationship: opt("string"),
  entityType: opt("string"),
  externalId: opt("string"),
};

/** `UpdateDatasetObsoleteDto`: what raw and derived datasets share. */
const DATASET_COMMON: Dto = {
  ...OWNABLE,
  owner: req("string"),
  ownerEmail: opt("email"),
  orcidOfOwner: opt("string"),
  contactEmail: req("emailList"),
  sourceFolder: req("string", "notEmpty"),
  sourceFolderHost: opt("url"),
  size: opt("int"),
  packedSize: opt("int"),
  numberOfFiles: opt("int"),
  numberOfFilesArchived: opt("int"),
  creationTime: req("dateString"),
  validationStatus: opt("string"),
  keywords: opt("stringEach"),
  description: opt("string"),
  classification: opt("string"),
  license: opt("string"),
  isPublished: opt("boolean"),
  techniques: opt("array", { nested: TECHNIQUE }),
  sharedWith: opt("stringEach"),
  relationships: opt("array", { nested: RELATIONSHIP }),
  datasetlifecycle: opt(),
  scientificMetadata: opt("object"),
  scientificMetadataSchema: opt("string"),
  scientificMetadataValid: opt("boolean"),
  comment: opt("string"),
  dataQualityMetrics: opt("number"),
  proposalId: opt("string"),
  runNumber: opt("string"),
  // Create-only: the server fills `datasetName` from `sourceFolder` before validating.
  pid: opt("string"),
  type: req({ enum: ["raw", "derived"] }),
  version: opt("string"),
  datasetName: req("string"),
};

/** `CreateRawDatasetObsoleteDto`. It silently accepts the derived-only fields, as the real one does. */
export const RAW_DATASET_DTO: Dto = {
  ...DATASET_COMMON,
  principalInvestigator: req("string"),
  startTime: opt("dateString"),
  endTime: opt("dateString"),
  creationLocation: req("string"),
  dataFormat: opt("string"),
  sampleId: opt("string"),
  instrumentId: opt("string"),
  investigator: opt(),
  inputDatasets: opt(),
  usedSoftware: opt(),
  jobParameters: opt(),
  jobLogData: opt(),
};

/** `CreateDerivedDatasetObsoleteDto`. */
export const DERIVED_DATASET_DTO: Dto = {
  ...DATASET_COMMON,
  investigator: req("string"),
  inputDatasets: req("stringEach"),
  usedSoftware: req("stringEach"),
  jobParameters: opt("object"),
  jobLogData: opt("string"),
};

const DATA_FILE: Dto = {
  path: req("string"),
  size: req("number"),
  time: req("dateString"),
  chk: opt("string"),
  uid: opt("string"),
  gid: opt("string"),
  perm: opt("string"),
  type: opt("string"),
  metadata: opt("object"),
};

/** `CreateDatasetOrigDatablockDto` (`POST datasets/{pid}/origdatablocks`): no `datasetId`, no ownable fields. */
export const DATASET_ORIG_DATABLOCK_DTO: Dto = {
  size: req("int"),
  chkAlg: opt("string", "notEmpty"),
  dataFileList: req("array", "arrayNotEmpty", { nested: DATA_FILE }),
  isPublished: opt("boolean"),
};

/** `CreateAttachmentV3Dto` (`POST datasets/{pid}/attachments`). */
export const ATTACHMENT_V3_DTO: Dto = {
  ...OWNABLE,
  thumbnail: opt("string"),
  caption: req("string"),
  id: opt("string"),
  datasetId: opt("string"),
  proposalId: opt("string"),
  sampleId: opt("string"),
};

/** `CreateSampleDto`; `sampleName` is required since backend v5. */
export function sampleDto(requireSampleName: boolean): Dto {
  return {
    ...OWNABLE,
    owner: opt("string"),
    sampleName: requireSampleName ? req("string", "notEmpty") : opt("string"),
    description: opt("string"),
    type: opt("string"),
    proposalId: opt("string"),
    parentSampleId: opt("string"),
    sampleCharacteristics: opt("object"),
    isPublished: opt("boolean"),
    sampleId: opt("string"),
  };
}
