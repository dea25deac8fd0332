import { setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

// Loaded on demand (CityMap imports it when it mounts): screens render before MapLibre arrives.

// MapLibre looks for its worker next to its own module; once bundled it is not there, so point
// at the copy the build emits (served by our own server, like everything else).
setWorkerUrl(workerUrl);

export {
  Map as MapLibreMap,
  Popup,
  type GeoJSONSource,
  type MapSourceDataEvent,
} from 'maplibre-gl';
