/**
 * The field table is the 24.05 spec, field for field: the spec's JSON
 * (copied from the project's shared spec into test/fixtures) is compared
 * with src/model/dataset-fields.ts, including every description.
 */
import { DATASET_FIELDS } from "../../src/model/dataset-fields";
import spec from "../fixtures/dataset-fields-24.05.json";

// How the spec's Python annotations are written in TypeScript.
const TS_TYPE: Record<string, string> = {
  DatasetType: "DatasetType",
  str: "string",
  int: "number",
  bool: "boolean",
  datetime: "Date",
  "list[str]": "string[]",
  PID: "PID",
  "list[PID]": "PID[]",
  RemotePath: "RemotePath",
  Lifecycle: "Lifecycle",
  "list[Relationship]": "Relationship[]",
  "list[Technique]": "Technique[]",
  "dict[str, Any]": "Record<string, unknown>",
};

it("has the spec's fields in the spec's order", () => {
  expect(DATASET_FIELDS.map((f) => f.name)).toEqual(spec.fields.map((f) => f.name));
});

it.each(spec.fields.map((f) => [f.name, f] as const))("%s matches the spec", (name, expected) => {
  const field = DATASET_FIELDS.find((f) => f.name === name)!;
  expect({
    scicatName: field.scicatName,
    type: field.type,
    required: field.required,
    readOnly: field.readOnly,
    usedByRaw: field.usedBy.raw,
    usedByDerived: field.usedBy.derived,
    main: field.main,
    description: field.description,
  }).toEqual({
    scicatName: expected.scicatName,
    type: TS_TYPE[expected.pythonType],
    required: expected.required,
    readOnly: expected.readOnly,
    usedByRaw: expected.usedByRaw,
    usedByDerived: expected.usedByDerived,
    main: spec.mainFieldsInHtml.includes(name),
    description: expected.description,
  });
  // The TypeScript name is the camelCase of the Python name.
  expect(expected.pythonName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())).toBe(name);
});
