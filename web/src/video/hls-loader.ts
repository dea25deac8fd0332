import type Hls from 'hls.js';

let hlsModule: Promise<typeof Hls> | undefined;

/** hls.js is loaded the first time a tile plays, not with the page; once for every player. */
export const loadHls = () => (hlsModule ??= import('hls.js').then((m) => m.default));
