/**
 * {@link UploadCheck}: the report of `Client.checkUpload`, an upload's dry run.
 */
import type {
  ScicatVerdict,
  UploadCheckFile,
  UploadCheckFolder,
  UploadProblem,
  UploadReportView,
} from "../html/upload-report";
import { uploadReportText } from "../html/upload-report";
import type { UploadAttachment, UploadOrigDatablock } from "../model/wire";

/** What {@link UploadCheck} is made of. */
export interface UploadCheckInit extends UploadReportView {
  readonly probes: readonly string[];
  readonly leftOver: readonly string[];
}

/**
 * What an upload of a dataset would do and what would stop it, found
 * without creating anything in SciCat or leaving anything on the file
 * server. Made by {@link Client.checkUpload}; shows as a table in notebooks
 * (problems first) and prints as text.
 */
export class UploadCheck implements UploadReportView {
  /** Everything that would stop the upload (and anything the check could not clean up), in the order found. */
  readonly problems: readonly UploadProblem[];
  /** How things were checked, and where the real upload differs from the check. */
  readonly notes: readonly string[];
  /** SciCat's answer to `POST datasets/isValid`. */
  readonly scicat: ScicatVerdict;
  /** The source folder the upload would use (the transfer's template filled in), or `null` if there is none. */
  readonly sourceFolder: string | null;
  /** The file server, or `null` if it was not contacted (no files, no transfer, or no source folder). */
  readonly fileServer: string | null;
  /** The folders the upload writes into or creates, as checked on the server. */
  readonly folders: readonly UploadCheckFolder[];
  /** The files the upload would send, with their targets and whether those are taken. */
  readonly files: readonly UploadCheckFile[];
  /**
   * The bodies of `POST datasets/{pid}/origdatablocks`, made by the same function as the upload's
   * (`Dataset.makeDatablockUploadModels`). Checksums only with `{ checksums: true }`; the upload also
   * records each file's owner, group and permissions on the server.
   */
  readonly datablocks: readonly UploadOrigDatablock[];
  /** The bodies of `POST datasets/{pid}/attachments`. */
  readonly attachments: readonly UploadAttachment[];
  /** Bytes of the files to upload. */
  readonly totalSize: number;
  /** Estimated seconds to upload the files (`{ measure: true }`), or `null`. */
  readonly estimatedSeconds: number | null;
  /** Bytes per second of the measured probe (`{ measure: true }`), or `null`. */
  readonly measuredRate: number | null;
  /** Full remote paths of the probe files the check wrote. */
  readonly probes: readonly string[];
  /** What the check wrote and could not remove again (also listed as problems). Empty normally. */
  readonly leftOver: readonly string[];

  /** @internal Made by `Client.checkUpload`. */
  constructor(init: UploadCheckInit) {
    this.problems = init.problems;
    this.notes = init.notes;
    this.scicat = init.scicat;
    this.sourceFolder = init.sourceFolder;
    this.fileServer = init.fileServer;
    this.folders = init.folders;
    this.files = init.files;
    this.datablocks = init.datablocks;
    this.attachments = init.attachments;
    this.totalSize = init.totalSize;
    this.estimatedSeconds = init.estimatedSeconds;
    this.measuredRate = init.measuredRate;
    this.probes = init.probes;
    this.leftOver = init.leftOver;
  }

  /** True if nothing was found that would stop the upload. */
  get ok(): boolean {
    return this.problems.length === 0;
  }

  /** The report as text: the verdict, each problem, then the plan. */
  toString(): string {
    return uploadReportText(this);
  }
}
