/** The longest side a photo is sent at: enough to read a sign or a licence plate. */
export const MAX_EDGE = 1920;
/** Below this a camera photo is sent as it is, its EXIF time and place with it. */
const SEND_AS_IS_BYTES = 1_500_000;
const KEPT_AS_IS = new Set(['image/jpeg', 'image/png', 'image/webp']);

/**
 * A photo as it will be sent. A phone's camera writes 4–12 MB; over a weak signal in a
 * stairwell that is minutes per photo, so larger photos are scaled down to a JPEG of a few
 * hundred kB. A photo the browser cannot decode (HEIC outside Safari) goes as it is: the server
 * converts it.
 */
export async function preparePhoto(file: Blob): Promise<Blob> {
  if (file.size <= SEND_AS_IS_BYTES && KEPT_AS_IS.has(file.type)) return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file;
  }
  try {
    const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    const width = Math.round(bitmap.width * scale);
    const height = Math.round(bitmap.height * scale);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((resolve) =>
      canvas.toBlob(resolve, 'image/jpeg', 0.82),
    );
    return blob && blob.size < file.size ? blob : file;
  } finally {
    bitmap.close();
  }
}
