/**
 * The synced state of the scitacean-ts widgets, shared by the kernel side (`src/widgets/scitacean`)
 * and the browser front end (`widget/`, which imports this file type-only). Pure types: this file
 * must import nothing, so that the front end's build does not pull in the kernel library.
 *
 * Everything the front end shows is computed by the kernel (field inputs, validation messages,
 * sizes), so the browser never re-implements the model's rules.
 * @module
 */

/** How a field is edited in the form; chosen from the field type in the field table. */
export type FieldInputKind =
  | "text"
  | "multiline"
  | "datetime"
  | "number"
  | "boolean"
  | "list"
  | "pidList"
  | "json";

/** One field of the dataset editor. */
export interface EditorFieldState {
  /** Property name, e.g. `ownerGroup`; also the input's aria-label. */
  readonly name: string;
  /** The field type as a TypeScript user writes it, e.g. `string[]`. */
  readonly type: string;
  /** Which kind of input edits the field. */
  readonly input: FieldInputKind;
  /** Required for the dataset's type: marked in the form, and empty is invalid. */
  readonly required: boolean;
  /** Set by SciCat: shown locked. */
  readonly readOnly: boolean;
  /** In the main group rather than under "Advanced fields": the table's main fields and every required field. */
  readonly main: boolean;
  /** SciCat's description of the field, shown as the input's tooltip. */
  readonly description: string;
  /**
   * The value as text, in the form the input edits: ISO date-time (UTC), one list item per line,
   * JSON for structured values, `"true"`/`"false"`, `""` for no value.
   */
  readonly text: string;
  /** The messages of `dataset.validate()` for this field, or why the typed text cannot be a value. */
  readonly messages: readonly string[];
}

/** One file of the dataset, local or remote. */
export interface EditorFileState {
  /** Path relative to the source folder. */
  readonly remotePath: string;
  /** Where the file is on this machine, or `null` for a remote file. */
  readonly localPath: string | null;
  /** Size in bytes. */
  readonly size: number;
  /** Human-readable size, e.g. `1.50 MiB`. */
  readonly sizeText: string;
}

/** One attachment of the dataset. */
export interface EditorAttachmentState {
  /** The attachment's caption. */
  readonly caption: string;
  /** The thumbnail as a `data:` URL, or `null`. */
  readonly thumbnail: string | null;
}

/** One entry of the scientific metadata. */
export interface MetadataEntryState {
  /** The metadata key. */
  readonly key: string;
  /** The value as text: a string as is, anything else as JSON. */
  readonly value: string;
  /** The unit, or `""`. */
  readonly unit: string;
}

/** The state of the `DatasetEditor` widget. */
export interface DatasetEditorState {
  /** The dataset's type, which decides its fields. */
  readonly datasetType: "raw" | "derived";
  /** The writable and the read-only fields of the dataset's type, main fields first. */
  readonly fields: readonly EditorFieldState[];
  /** Every problem that stops an upload, as `field: message` lines; empty when the dataset is valid. */
  readonly problems: readonly string[];
  /** Every file of the dataset, local and remote. */
  readonly files: readonly EditorFileState[];
  /** Total size of the files, human-readable. */
  readonly totalSizeText: string;
  /** Why the last "add files" failed, or `""`. */
  readonly filesError: string;
  /** The dataset's attachments. */
  readonly attachments: readonly EditorAttachmentState[];
  /** The scientific metadata, one entry per key. */
  readonly metadata: readonly MetadataEntryState[];
  /** Why the last metadata edit failed, or `""`. */
  readonly metadataError: string;
}

/** Messages the editor's front end sends to the kernel (widget `custom` messages). */
export type EditorRequest =
  | {
      /** Set field `name` from the text the user typed. */
      readonly action: "setField";
      /** The field's property name. */
      readonly name: string;
      /** The typed text, in the form of {@link EditorFieldState.text}. */
      readonly text: string;
    }
  | {
      /** Add local files by path. */
      readonly action: "addFiles";
      /** Paths of the files on the kernel's machine. */
      readonly paths: readonly string[];
      /** Folder their remote paths are relative to (`addLocalFiles`' `basePath`). */
      readonly basePath: string;
    }
  | {
      /** Change an attachment's caption. */
      readonly action: "setCaption";
      /** Index of the attachment. */
      readonly index: number;
      /** The new caption. */
      readonly caption: string;
    }
  | {
      /** Replace the scientific metadata. */
      readonly action: "setMetadata";
      /** The new entries, in order. */
      readonly entries: readonly MetadataEntryState[];
    };

/** One bar of the progress widget. */
export interface ProgressBarState {
  /** The file's remote path, or `"total"` for the overall bar. */
  readonly label: string;
  /** Bytes moved so far. */
  readonly bytesDone: number;
  /** Bytes to move in all. */
  readonly bytesTotal: number;
}

/** Where a transfer stands, as the progress widget shows it. */
export type TransferStatus = "idle" | "running" | "cancelling" | "done" | "failed" | "cancelled";

/** The state of the `TransferProgressWidget`. */
export interface TransferProgressState {
  /** `"upload"` or `"download"`. */
  readonly direction: "upload" | "download";
  /** Where the transfer stands. */
  readonly status: TransferStatus;
  /** The client's phase, e.g. `uploading`, `creating-dataset`. */
  readonly phase: string;
  /** The overall bar (all files, in bytes). */
  readonly overall: ProgressBarState;
  /** One bar per file in flight. */
  readonly files: readonly ProgressBarState[];
  /** Files moved completely. */
  readonly filesDone: number;
  /** Files to move. */
  readonly filesTotal: number;
  /** Bytes per second over the last seconds, or 0 when unknown. */
  readonly bytesPerSecond: number;
  /** Human-readable rate and time left, e.g. `12.3 MiB/s, 4 s left`; `""` when unknown. */
  readonly rateText: string;
  /** The outcome: the error, and what was rolled back or left; `""` while running. */
  readonly message: string;
  /** Whether Cancel can still stop the transfer (until the dataset is created). */
  readonly cancellable: boolean;
}

/** Messages the progress widget's front end sends to the kernel. */
export type ProgressRequest = {
  /** Stop the transfer (rolled back until the dataset is created). */
  readonly action: "cancel";
};

/** The state of the `UploadWidget`, besides its two children. */
export interface UploadWidgetState {
  /** Why Upload is disabled, or `""` when it is enabled. */
  readonly blockedReason: string;
  /** Whether an upload is running. */
  readonly uploading: boolean;
  /** The PID of the new dataset after a successful upload, or `""`. */
  readonly pid: string;
  /** HTML table of the finalized dataset after a successful upload, or `""`. */
  readonly resultHtml: string;
  /** The failure after an unsuccessful upload, with what was left, or `""`. */
  readonly error: string;
}

/** Messages the upload widget's front end sends to the kernel. */
export type UploadRequest =
  | {
      /** Start the upload of the edited dataset. */
      readonly action: "upload";
    }
  | {
      /** Stop the running upload. */
      readonly action: "cancel";
    };
