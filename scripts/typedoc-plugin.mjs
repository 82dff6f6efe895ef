// TypeDoc plugin of the API reference (typedoc.json). Two kinds of members have no TSDoc of their own:
//
// 1. The field properties of Dataset, Attachment, Sample and their Init/Replacements types are made by
//    mapped types from the field tables (src/model/dataset-fields.ts and friends), so there is no
//    declaration to comment. Their documentation is the table entry: SciCat's description, SciCat's
//    name, required, read-only. This plugin writes it onto those properties, so the reference lists
//    every field with its meaning, from the one field table.
// 2. The entries of those tables are data (`{ name: "caption", ... } as const`); TypeScript gives them
//    literal types whose properties TypeDoc would want documented one by one. What each key means is
//    documented once, on FieldSpec. Properties declared only by object-literal values count as such.
//
// Every other undocumented export stays a build error (validation.notDocumented +
// treatValidationWarningsAsErrors).
import { createRequire } from "node:module";
import * as path from "node:path";
import ts from "typescript";
import { Comment, Converter, ReflectionKind } from "typedoc";

const require = createRequire(import.meta.url);
const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "dist", "model");

/** Which field table a model's properties come from, by the model's (or its init type's) name. */
function fieldTables() {
  const { DATASET_FIELDS } = require(path.join(dist, "dataset-fields.js"));
  const { ATTACHMENT_FIELDS } = require(path.join(dist, "attachment.js"));
  const { SAMPLE_FIELDS } = require(path.join(dist, "sample.js"));
  // The models by property name; their SciCat JSON shapes (src/model/wire.ts) by SciCat name.
  const byName = (table) => ({ table, key: "name" });
  const bySciCatName = (table) => ({ table, key: "scicatName" });
  return new Map([
    ["DownloadDataset", bySciCatName(DATASET_FIELDS)],
    ["UploadDataset", bySciCatName(DATASET_FIELDS)],
    ["DownloadAttachment", bySciCatName(ATTACHMENT_FIELDS)],
    ["UploadAttachment", bySciCatName(ATTACHMENT_FIELDS)],
    ["DownloadSample", bySciCatName(SAMPLE_FIELDS)],
    ["UploadSample", bySciCatName(SAMPLE_FIELDS)],
    ["Dataset", byName(DATASET_FIELDS)],
    ["DatasetInit", byName(DATASET_FIELDS)],
    ["DatasetReplacements", byName(DATASET_FIELDS)],
    ["Attachment", byName(ATTACHMENT_FIELDS)],
    ["AttachmentInit", byName(ATTACHMENT_FIELDS)],
    ["Sample", byName(SAMPLE_FIELDS)],
    ["SampleInit", byName(SAMPLE_FIELDS)],
  ]);
}

/** The documentation of one field, from its table entry. */
function fieldDoc(field) {
  const parts = [];
  if (field.description) parts.push(field.description.trim());
  if (field.scicatName !== field.name) parts.push(`Called \`${field.name}\` in scitacean-ts, \`${field.scicatName}\` in SciCat.`);
  if (field.readOnly) parts.push("Read-only: set by SciCat.");
  else if (field.required) parts.push("Required for upload.");
  if (parts.length === 0) parts.push(`The \`${field.name}\` field (\`${field.type}\`).`);
  return parts.join(" ");
}

/** True if every declaration of the reflection's symbol is a value in an object literal. */
function onlyFromObjectLiterals(context, reflection) {
  const declarations = context.getSymbolFromReflection(reflection)?.declarations ?? [];
  return declarations.length > 0 && declarations.every((d) => ts.isPropertyAssignment(d) || ts.isShorthandPropertyAssignment(d));
}

/** TypeDoc does not check members of parameter types, and warns about names listed needlessly. */
function insideParameter(reflection) {
  for (let r = reflection.parent; r; r = r.parent) if (r.kindOf(ReflectionKind.Parameter)) return true;
  return false;
}

export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    const project = context.project;
    const tables = fieldTables();
    const dataOnly = [];
    for (const reflection of project.getReflectionsByKind(ReflectionKind.Property)) {
      if (reflection.hasComment()) continue;
      const source = tables.get(reflection.parent?.name ?? "");
      const field = source?.table.find((f) => f[source.key] === reflection.name);
      if (field) {
        reflection.comment = new Comment([{ kind: "text", text: fieldDoc(field) }]);
      } else if (onlyFromObjectLiterals(context, reflection) && !insideParameter(reflection)) {
        dataOnly.push(reflection.getFriendlyFullName());
      }
    }
    const intentional = app.options.getValue("intentionallyNotDocumented");
    // One name may stand for several reflections (every `get` overload); TypeDoc wants each once.
    app.options.setValue("intentionallyNotDocumented", [...new Set([...intentional, ...dataOnly])]);
  });
}
