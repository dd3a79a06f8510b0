import sharp from 'sharp';
import { badInput } from '../kernel/errors';

/** At most this many photos per report, each at most this many bytes as sent (before re-encoding). */
export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 1_000_000;
/** Larger images are scaled down to fit this box: enough to see what a photo shows, less to store. */
const MAX_EDGE = 2048;
/** A decompression bomb (a small file of a huge image) is refused before it is decoded. */
const MAX_INPUT_PIXELS = 40_000_000;
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'heif', 'gif', 'tiff']);

export interface CleanPhoto {
  content: Buffer;
  mediaType: 'image/jpeg';
  width: number;
  height: number;
}

/**
 * A photo as the hub keeps it: decoded and re-encoded as a new JPEG (sharp writes no metadata unless
 * asked: no EXIF, GPS position, camera or phone model, XMP, IPTC or ICC profile), turned upright
 * first by its orientation tag so that dropping the tag does not turn the picture. The bytes
 * received are never stored; anything that is not a readable image is refused.
 */
export async function cleanPhoto(field: string, base64: string): Promise<CleanPhoto> {
  if (typeof base64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw badInput(field, 'must be base64');
  if (Math.floor((base64.length * 3) / 4) > MAX_PHOTO_BYTES + 2) throw badInput(field, `must be at most ${MAX_PHOTO_BYTES} bytes`);
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES) throw badInput(field, `must be between 1 and ${MAX_PHOTO_BYTES} bytes`);
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', animated: false });
    const meta = await image.metadata();
    if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) throw new Error(`format ${meta.format}`);
    const { data, info } = await image
      .rotate()
      .resize({ width: MAX_EDGE, height: MAX_EDGE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { content: data, mediaType: 'image/jpeg', width: info.width, height: info.height };
  } catch {
    throw badInput(field, 'must be a JPEG, PNG, WebP, HEIF, GIF or TIFF image of at most 40 megapixels');
  }
}
