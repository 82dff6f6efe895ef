import { Dataset } from "../../../src/model/dataset";

/** A valid raw dataset of the Scitacean tutorials. */
export function rawDataset(extra: Partial<ConstructorParameters<typeof Dataset>[0]> = {}): Dataset {
  return new Dataset({
    type: "raw",
    name: "Spellpower",
    ownerGroup: "wyrdsisters",
    owner: "Nanny Ogg",
    principalInvestigator: "Esme Weatherwax",
    contactEmail: "nogg@wyrd.lancre",
    creationLocation: "lancre/whichhut",
    sourceFolder: "/somewhere/on/remote",
    ...extra,
  });
}
