/**
 * Mutated EclipseFS images for the fuzzers that go through the tools (the campaign property, the
 * CLI fuzz targets and `npm run fuzz`): in-place edits aimed at header, table, record and TLV
 * fields (test/model/fs/images.ts), truncation to fewer whole blocks, a block appended.
 */
import fc from 'fast-check';
import { FS_BLOCK_BYTES } from '../../model/fs/format.js';
import { builtInImage } from '../../scenarios/fs-images.js';
import { applyInPlace, fieldOffsets, inPlaceArms, layout, type InPlaceMutation, type MutationBase } from '../model/fs/images.js';

export type ImageMutation = InPlaceMutation | { kind: 'truncate'; blocks: number } | { kind: 'extend'; fill: number };

export interface ImageBase extends MutationBase {
  name: string;
}

export function imageBase(name: string): ImageBase {
  const image = builtInImage(name)!;
  const l = layout(image);
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  return {
    name,
    image,
    fields: fieldOffsets(image),
    tableStart: l.tableOffset,
    recordsStart: l.tableOffset + l.total * 8,
    recordsEnd: Math.max(...l.records.slice(1).map((r) => r + v.getUint32(r + 4, true))),
  };
}

export const imageMutation: fc.Arbitrary<ImageMutation> = fc.oneof(
  ...inPlaceArms(6),
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), blocks: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('extend' as const), fill: fc.integer({ min: 0, max: 255 }) }) },
);

/** A mutant of `b`'s image; its length stays a non-zero multiple of 4096. */
export function mutateImage(b: ImageBase, muts: readonly ImageMutation[]): Uint8Array {
  let img = b.image.slice();
  for (const m of muts) {
    if (m.kind === 'truncate') {
      const blocks = img.length / FS_BLOCK_BYTES;
      if (blocks > 1) img = img.slice(0, (1 + (m.blocks % (blocks - 1))) * FS_BLOCK_BYTES);
    } else if (m.kind === 'extend') {
      const out = new Uint8Array(img.length + FS_BLOCK_BYTES).fill(m.fill);
      out.set(img);
      img = out;
    } else applyInPlace(img, b, m);
  }
  return img;
}
