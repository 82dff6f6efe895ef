import { Throttle, type Clock } from "../../../src/display/progress/throttle";
import { ProgressMeter, durationText } from "../../../src/display/progress/meter";
import { progressHtml, progressText } from "../../../src/display/progress/render";
import { RemotePath } from "../../../src/values/remote-path";

/** A clock the test moves by hand, with timers that fire when it passes them. */
class ManualClock implements Clock {
  t = 0;
  timers: Array<{ at: number; fn: () => void; id: number }> = [];
  #next = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    this.#next += 1;
    this.timers.push({ at: this.t + ms, fn, id: this.#next });
    return this.#next;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.t = due.at;
      this.timers = this.timers.filter((t) => t !== due);
      due.fn();
    }
    this.t = end;
  }
}

describe("Throttle", () => {
  it("emits at most ten updates a second however many values come, and never loses the last", () => {
    const clock = new ManualClock();
    const emitted: Array<{ t: number; v: number }> = [];
    const throttle = new Throttle<number>((v) => emitted.push({ t: clock.now(), v }), 100, clock);
    // 2000 events over 2 s, one per millisecond.
    for (let i = 1; i <= 2000; i++) {
      throttle.push(i);
      clock.advance(1);
    }
    clock.advance(200);
    expect(emitted[0]).toEqual({ t: 0, v: 1 });
    expect(emitted[emitted.length - 1]?.v).toBe(2000);
    // Every two emissions are at least the interval apart ...
    for (let i = 1; i < emitted.length; i++) expect(emitted[i]!.t - emitted[i - 1]!.t).toBeGreaterThanOrEqual(100);
    // ... so 2 s give at most 21 (the first at once, then one per 100 ms).
    expect(emitted.length).toBeLessThanOrEqual(21);
    expect(emitted.length).toBeGreaterThanOrEqual(19);
  });

  it("sends a value at once after a quiet interval, and flush() sends the pending one now", () => {
    const clock = new ManualClock();
    const emitted: number[] = [];
    const throttle = new Throttle<number>((v) => emitted.push(v), 100, clock);
    throttle.push(1);
    throttle.push(2);
    expect(emitted).toEqual([1]);
    throttle.flush();
    expect(emitted).toEqual([1, 2]);
    clock.advance(1000);
    expect(emitted).toEqual([1, 2]); // the flushed value is not sent again
    throttle.push(3);
    expect(emitted).toEqual([1, 2, 3]);
  });
});

describe("ProgressMeter", () => {
  const file = (name: string, done: number, total: number) => ({ remotePath: new RemotePath(name), bytesDone: done, bytesTotal: total });

  it("follows bytes and files, keeps a bar per file in flight, and computes rate and time left", () => {
    let t = 0;
    const meter = new ProgressMeter("upload", () => t);
    meter.update({ phase: "validating", bytesDone: 0, bytesTotal: 3000, filesDone: 0, filesTotal: 2 });
    expect(meter.state.cancellable).toBe(true);
    t = 1000;
    meter.update({ phase: "uploading", bytesDone: 0, bytesTotal: 3000, filesDone: 0, filesTotal: 2, file: file("a.dat", 0, 1000) });
    t = 2000;
    let s = meter.update({ phase: "uploading", bytesDone: 500, bytesTotal: 3000, filesDone: 0, filesTotal: 2, file: file("a.dat", 500, 1000) });
    expect(s.files).toEqual([{ label: "a.dat", bytesDone: 500, bytesTotal: 1000 }]);
    expect(s.overall).toEqual({ label: "total", bytesDone: 500, bytesTotal: 3000 });
    expect(s.bytesPerSecond).toBe(500);
    expect(s.rateText).toBe("500 B/s, 5 s left");
    t = 3000;
    s = meter.update({ phase: "uploading", bytesDone: 1000, bytesTotal: 3000, filesDone: 1, filesTotal: 2, file: file("a.dat", 1000, 1000) });
    expect(s.files).toEqual([]);
    expect(s.filesDone).toBe(1);
    s = meter.update({ phase: "creating-dataset", bytesDone: 3000, bytesTotal: 3000, filesDone: 2, filesTotal: 2 });
    expect(s.cancellable).toBe(false); // an abort is not honoured once the dataset is being created
    expect(s.overall.bytesDone).toBe(1000); // only the moving phases move the overall bar
    s = meter.update({ phase: "done", bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0 });
    expect(s.status).toBe("done");
    expect(s.overall).toEqual({ label: "total", bytesDone: 3000, bytesTotal: 3000 });
    expect(s.filesDone).toBe(2);
  });

  it("reports cancelling and the outcome message", () => {
    const meter = new ProgressMeter("download", () => 0);
    meter.update({ phase: "downloading", bytesDone: 10, bytesTotal: 100, filesDone: 0, filesTotal: 1, file: file("/x/a", 10, 100) });
    expect(meter.cancelling().status).toBe("cancelling");
    const s = meter.finish("cancelled", "Cancelled: removed a");
    expect(s).toMatchObject({ status: "cancelled", message: "Cancelled: removed a", files: [], cancellable: false });
  });

  it("formats durations", () => {
    expect(durationText(4.4)).toBe("4 s");
    expect(durationText(125)).toBe("2 min 5 s");
    expect(durationText(3780)).toBe("1 h 3 min");
  });
});

describe("progress without widgets", () => {
  const meter = new ProgressMeter("upload", () => 0);
  meter.update({ phase: "uploading", bytesDone: 512, bytesTotal: 1024, filesDone: 0, filesTotal: 1, file: { remotePath: new RemotePath("a<b>.dat"), bytesDone: 512, bytesTotal: 1024 } });

  it("renders HTML bars with ARIA values in bytes, escaping file names", () => {
    const out = progressHtml(meter.state);
    expect(out).toContain('role="progressbar" aria-label="total" aria-valuemin="0" aria-valuenow="512" aria-valuemax="1024"');
    expect(out).toContain("a&lt;b&gt;.dat");
    expect(out).not.toContain("a<b>");
    expect(out).toContain("width:50.0%");
  });

  it("renders a text bar", () => {
    expect(progressText(meter.state, 10)).toBe("Upload: uploading [#####.....] 50% 512 B / 1.00 kiB 0/1 files");
  });
});
