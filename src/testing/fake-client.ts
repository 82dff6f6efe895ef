import { Client } from "../client/client";
import type { FileTransfer } from "../transfer/types";
import { FakeScicatClient, type FakeScicatMethod } from "./fake-scicat-client";

/** Options of every FakeClient factory. */
export interface FakeClientOptions<T extends FileTransfer | null = FileTransfer | null> {
  /** The file transfer; its own type is kept, so `client.fileTransfer.files` works for a FakeFileTransfer. */
  fileTransfer?: T;
  /** Methods of the fake SciCat that throw the given error, for testing failure paths. */
  disable?: Partial<Record<FakeScicatMethod, Error>>;
}

/**
 * A {@link Client} backed by an in-memory SciCat ({@link FakeScicatClient}).
 * Its factories take the same arguments as the real ones and ignore the URL
 * and credentials; it never touches the network.
 *
 * @example
 * const client = FakeClient.withoutLogin({ url: "https://fake.scicat", fileTransfer: new FakeFileTransfer() });
 * const finalized = await client.uploadNewDatasetNow(dataset);
 * client.datasets.get(finalized.pid!);
 */
export class FakeClient<T extends FileTransfer | null = FileTransfer | null> extends Client {
  constructor(options: FakeClientOptions<T> = {}) {
    super({
      scicat: new FakeScicatClient(options.disable ? { disable: options.disable } : {}),
      fileTransfer: options.fileTransfer ?? null,
    });
  }

  static override fromToken<T extends FileTransfer | null = null>(
    options: { url: string; token: string } & FakeClientOptions<T>,
  ): FakeClient<T> {
    return new FakeClient(options);
  }

  /** Async like the real factory, so code written for one works with the other. */
  static override async fromCredentials<T extends FileTransfer | null = null>(
    options: { url: string; username: string; password: string } & FakeClientOptions<T>,
  ): Promise<FakeClient<T>> {
    return new FakeClient(options);
  }

  static override withoutLogin<T extends FileTransfer | null = null>(
    options: { url: string } & FakeClientOptions<T>,
  ): FakeClient<T> {
    return new FakeClient(options);
  }

  /** The file transfer given to the factory, with its own type. */
  override get fileTransfer(): T {
    return super.fileTransfer as T;
  }

  override get scicat(): FakeScicatClient {
    return super.scicat as FakeScicatClient;
  }

  /** The fake SciCat's datasets (SciCat JSON) by PID. */
  get datasets(): FakeScicatClient["datasets"] {
    return this.scicat.datasets;
  }
  /** Orig datablocks by dataset PID. */
  get origDatablocks(): FakeScicatClient["origDatablocks"] {
    return this.scicat.origDatablocks;
  }
  /** Attachments by dataset PID. */
  get attachments(): FakeScicatClient["attachments"] {
    return this.scicat.attachments;
  }
  /** Samples by id. */
  get samples(): FakeScicatClient["samples"] {
    return this.scicat.samples;
  }
}
