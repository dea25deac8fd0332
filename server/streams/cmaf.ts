/**
 * A fragmented MP4 (CMAF) file split where an HLS server cuts it: the initialisation section
 * (`ftyp` + `moov`) and each fragment (`moof` + `mdat`, with any `styp`/`prft`/`sidx` before it),
 * byte for byte. An LL-HLS part is one fragment; a segment is its fragments one after the other.
 */
export interface CmafFile {
  init: Buffer;
  fragments: Buffer[];
}

export function splitCmaf(file: Buffer): CmafFile {
  let offset = 0;
  let initEnd = -1;
  let fragmentStart = -1;
  const fragments: Buffer[] = [];
  while (offset < file.length) {
    if (offset + 8 > file.length) throw new Error(`truncated box header at byte ${offset}`);
    let size = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    if (size === 1) size = Number(file.readBigUInt64BE(offset + 8));
    else if (size === 0) size = file.length - offset;
    if (size < 8 || offset + size > file.length) {
      throw new Error(`box ${type} at byte ${offset} runs past the end of the file`);
    }
    if (type === 'moov') initEnd = offset + size;
    else if (initEnd >= 0 && fragmentStart < 0 && type !== 'mdat') fragmentStart = offset;
    if (type === 'mdat' && fragmentStart >= 0) {
      fragments.push(file.subarray(fragmentStart, offset + size));
      fragmentStart = -1;
    }
    offset += size;
  }
  if (initEnd < 0) throw new Error('no moov box: not a fragmented MP4');
  if (!fragments.length) throw new Error('no moof+mdat fragments: not a fragmented MP4');
  return { init: file.subarray(0, initEnd), fragments };
}

/** The first box of a type inside `buf[from, to)`, descending into the containers on `path`. */
function findBox(buf: Buffer, path: string[], from = 0, to = buf.length): number {
  let offset = from;
  while (offset + 8 <= to) {
    const size = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    if (size < 8) break;
    if (type === path[0]) {
      return path.length === 1 ? offset : findBox(buf, path.slice(1), offset + 8, offset + size);
    }
    offset += size;
  }
  return -1;
}

/** The media timescale (ticks a second) of an init section's first track. */
export function timescaleOf(init: Buffer): number {
  const mdhd = findBox(init, ['moov', 'trak', 'mdia', 'mdhd']);
  if (mdhd < 0) throw new Error('no mdhd box in the initialisation section');
  const version = init.readUInt8(mdhd + 8);
  return init.readUInt32BE(mdhd + 12 + (version === 1 ? 16 : 8));
}

/** A fragment's decode time (its `tfdt`), in timescale ticks. */
export function decodeTimeOf(fragment: Buffer): number {
  const tfdt = tfdtOffset(fragment);
  return fragment.readUInt8(tfdt + 8) === 1
    ? Number(fragment.readBigUInt64BE(tfdt + 12))
    : fragment.readUInt32BE(tfdt + 12);
}

/** A copy of a fragment whose decode time is moved on by `ticks`. */
export function shiftDecodeTime(fragment: Buffer, ticks: number): Buffer {
  const copy = Buffer.from(fragment);
  const tfdt = tfdtOffset(copy);
  const at = decodeTimeOf(copy) + ticks;
  if (copy.readUInt8(tfdt + 8) === 1) copy.writeBigUInt64BE(BigInt(at), tfdt + 12);
  else copy.writeUInt32BE(at, tfdt + 12);
  return copy;
}

function tfdtOffset(fragment: Buffer): number {
  const tfdt = findBox(fragment, ['moof', 'traf', 'tfdt']);
  if (tfdt < 0) throw new Error('fragment has no tfdt box');
  return tfdt;
}
