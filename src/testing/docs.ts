import { PID } from "../values/pid";
import { FakeClient } from "./fake-client";
import { FakeFileTransfer } from "./fake-file-transfer";

/** PID of the seeded "Thaum flux" dataset. */
export const THAUM_FLUX_PID = new PID({ prefix: "20.500.12269", pid: "72fe3ff6-105b-4c7f-b9d0-073b67c90ec3" });

/**
 * The client of the tutorial notebooks: a {@link FakeClient} with a
 * {@link FakeFileTransfer}, seeded with the "Thaum flux" dataset and its two
 * files (`flux.dat` and `logs/measurement.log` in `/hex/ps/thaum`).
 */
export function setupFakeClient(): FakeClient<FakeFileTransfer> {
  const transfer = new FakeFileTransfer({
    files: {
      "/hex/ps/thaum/flux.dat": "5 4 9 11 15 12 7 6 1",
      "/hex/ps/thaum/logs/measurement.log":
        "INFO Starting measurement\nWARN Detector saturated\nINFO Measurement finished",
    },
  });
  const client = FakeClient.fromToken({ url: "fake-url.sci/api/v3", token: "fake-token", fileTransfer: transfer });
  const pid = THAUM_FLUX_PID.toString();
  client.datasets.set(pid, {
    pid,
    datasetName: "Thaum flux",
    description: "Measured the thaum flux",
    createdBy: "Ponder Stibbons",
    updatedBy: "anonymous",
    updatedAt: "2022-11-01T13:22:08.927Z",
    createdAt: "2022-08-17T14:20:23.675Z",
    owner: "Ponder Stibbons",
    ownerGroup: "uu",
    accessGroups: ["faculty"],
    principalInvestigator: "p.stibbons@uu.am",
    contactEmail: "p.stibbons@uu.am",
    creationTime: "2022-06-29T14:01:05.000Z",
    creationLocation: "UnseenUniversity",
    numberOfFiles: 2,
    numberOfFilesArchived: 0,
    size: 95,
    packedSize: 0,
    sourceFolder: "/hex/ps/thaum",
    scientificMetadata: { data_type: "histogram", temperature: { value: "123", unit: "K" } },
    type: "raw",
  });
  client.origDatablocks.set(pid, [
    {
      _id: "02dc390c-811c-4d6a-93bf-9f85a4214ca0",
      datasetId: pid,
      size: 95,
      ownerGroup: "uu",
      accessGroups: ["faculty"],
      dataFileList: [
        { path: "flux.dat", size: 20, time: "2022-08-17T13:54:12Z" },
        { path: "logs/measurement.log", size: 75, time: "2022-08-17T13:55:21Z" },
      ],
    },
  ]);
  return client;
}
