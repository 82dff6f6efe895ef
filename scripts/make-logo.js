// Draws notebooks/logo.png, the small image the tutorials attach to a dataset:
// a rounded teal tile with three "catalogue rows". Pure Node (zlib), no image tools needed.
"use strict";
const fs = require("node:fs");
const zlib = require("node:zlib");
const path = require("node:path");

const W = 96;
const H = 96;
const px = Buffer.alloc(W * H * 4);

function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= x0 && x <= x1 && y >= y0 && y <= y1;
}

for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const i = (y * W + x) * 4;
    if (!inRoundedRect(x + 0.5, y + 0.5, 2, 2, 94, 94, 16)) continue; // transparent corners
    const t = y / H; // vertical teal gradient
    let [r, g, b] = [Math.round(20 + 20 * t), Math.round(150 - 40 * t), Math.round(160 - 30 * t)];
    for (const [row, width] of [[24, 60], [44, 48], [64, 36]]) {
      if (inRoundedRect(x + 0.5, y + 0.5, 18, row, 18 + width, row + 10, 5)) [r, g, b] = [245, 250, 250];
    }
    if ((x - 74) ** 2 + (y - 69) ** 2 <= 49) [r, g, b] = [250, 200, 60]; // the "upload" dot
    px[i] = r;
    px[i + 1] = g;
    px[i + 2] = b;
    px[i + 3] = 255;
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(W, 0);
ihdr.writeUInt32BE(H, 4);
ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const raw = Buffer.alloc((W * 4 + 1) * H);
for (let y = 0; y < H; y++) px.copy(raw, y * (W * 4 + 1) + 1, y * W * 4, (y + 1) * W * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", ihdr),
  chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
  chunk("IEND", Buffer.alloc(0)),
]);
const out = path.join(__dirname, "..", "notebooks", "logo.png");
fs.writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
