import sharp from 'sharp';
import { cleanPhoto, MAX_PHOTO_BYTES } from './photos';

/** A photo as a phone takes it: camera make and model, GPS position, an XMP packet, rotated by its orientation tag. */
async function phonePhoto(format: 'jpeg' | 'png' | 'webp' = 'jpeg'): Promise<Buffer> {
  const base = sharp({ create: { width: 64, height: 32, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .withExif({
      IFD0: { Make: 'AcmePhone', Model: 'Tracker X1', Software: 'device-id-8f3a' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 2641/100', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 3963/100' },
    })
    .withMetadata({ orientation: 6 })
    .withXmp(
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description creator="Ion Popescu"/></rdf:RDF></x:xmpmeta>',
    );
  return base[format]().toBuffer();
}

/** The latitude seconds written above (2641/100) as an EXIF rational, in either byte order. */
function hasGpsSeconds(bytes: Buffer): boolean {
  const le = Buffer.alloc(8);
  le.writeUInt32LE(2641, 0);
  le.writeUInt32LE(100, 4);
  const be = Buffer.alloc(8);
  be.writeUInt32BE(2641, 0);
  be.writeUInt32BE(100, 4);
  return bytes.includes(le) || bytes.includes(be);
}

describe('cleanPhoto', () => {
  test.each(['jpeg', 'png', 'webp'] as const)('a %s with EXIF GPS, device and XMP metadata comes out as a JPEG without any of it', async (format) => {
    const original = await phonePhoto(format);
    const before = await sharp(original).metadata();
    expect(before.exif?.includes('AcmePhone')).toBe(true);
    expect(hasGpsSeconds(before.exif!)).toBe(true);

    const clean = await cleanPhoto('photos[0]', original.toString('base64'));
    const after = await sharp(clean.content).metadata();
    expect(after.format).toBe('jpeg');
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(hasGpsSeconds(clean.content)).toBe(false);
    for (const needle of ['AcmePhone', 'Tracker X1', 'device-id-8f3a', 'Ion Popescu', 'Exif']) expect(clean.content.includes(needle)).toBe(false);
  });

  test('the orientation tag is applied before it is dropped: the picture stays upright', async () => {
    const clean = await cleanPhoto('photos[0]', (await phonePhoto()).toString('base64'));
    expect([clean.width, clean.height]).toEqual([32, 64]);
  });

  test.each([
    ['not base64', '%%%'],
    ['empty', ''],
    ['text, not an image', Buffer.from('<script>alert(1)</script>').toString('base64')],
    ['truncated JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]).toString('base64')],
    ['too large', Buffer.alloc(MAX_PHOTO_BYTES + 10, 1).toString('base64')],
  ])('refuses %s with BAD_USER_INPUT', async (_what, data) => {
    await expect(cleanPhoto('photos[0]', data)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'photos[0]' } });
  });

  test('refuses a decompression bomb (a small file of a huge image) without decoding it', async () => {
    const bomb = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(MAX_PHOTO_BYTES);
    await expect(cleanPhoto('photos[0]', bomb.toString('base64'))).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
