import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import v8 from 'node:v8';
import {
  AreaIndex,
  areaBBox,
  pointInArea,
  type City,
  type Region,
  type RegionFeature,
} from '../../shared/index.js';
import { checkRegionGeometry, DEFAULT_TOLERANCE } from './geometry-check.js';
import {
  readCameras,
  readDepartments,
  readGridWorkers,
  readKeyPlaces,
  readPatrols,
  type CityFrame,
} from './points.js';
import { formatProblem, ProblemList, type CityProblem } from './problems.js';
import { readJson } from './read.js';
import { CityFileSchema, type CityFile } from './records.js';
import { readRegions } from './regions.js';
import { validate } from './validate.js';

/** What a package holds besides the city: folders the loader knows and leaves to others. */
const KNOWN = new Set([
  'city.json',
  'regions.geojson',
  'regions',
  'cameras.geojson',
  'cameras.csv',
  'cameras.json',
  'departments.json',
  'departments.csv',
  'grid-workers.json',
  'grid-workers.csv',
  'patrols.json',
  'key-places.geojson',
  'basemap',
  'simulation',
]);

export interface CityCheck {
  /** The package folder, absolute. */
  dir: string;
  /** Every problem found, errors and warnings, in the order of the files. */
  problems: CityProblem[];
  /** The city, when the package has no errors. */
  city: City | undefined;
  /** The package's own basemap folder (a MapLibre style.json and its sources), if it has one. */
  basemapDir: string | undefined;
}

/** Reads and checks a city package (docs/CITY.md); never throws for what is in the files. */
export function checkCity(dir: string): CityCheck {
  // Clipping thousands of boundaries makes millions of short-lived objects at a few allocation
  // sites. V8 learns to put those sites' objects straight into the old generation, and then
  // spends seconds in full collections of them: the same check took twice as long, or more, at
  // random. Off for the check only, on again for the server's steady state.
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
  try {
    return readAndCheck(dir);
  } finally {
    v8.setFlagsFromString('--allocation-site-pretenuring');
  }
}

function readAndCheck(dirArg: string): CityCheck {
  const dir = resolve(dirArg);
  const problems = new ProblemList();
  const done = (city?: City): CityCheck => ({
    dir,
    problems: problems.items,
    city: problems.errors.length ? undefined : city,
    basemapDir: existsSync(join(dir, 'basemap', 'style.json')) ? join(dir, 'basemap') : undefined,
  });
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    problems.error(dir, 'is not a folder (CITY_DIR names the city package)');
    return done();
  }
  for (const name of readdirSync(dir).sort()) {
    if (!KNOWN.has(name) && !name.startsWith('.'))
      problems.warn(name, 'is not part of a city package and is ignored (docs/CITY.md)');
  }

  const settings = readCityFile(dir, problems);
  if (!settings) return done();
  const crsOf = (file: string) => {
    const own = settings.files[file]?.crs;
    return { crs: own ?? settings.crs, explicit: own !== undefined };
  };
  // A setting for a file the package does not have is most likely a misspelt name.
  for (const file of Object.keys(settings.files)) {
    if (!existsSync(join(dir, file)))
      problems.warn(
        'city.json',
        `names "${file}", which is not in the package`,
        undefined,
        'files',
      );
  }
  const regions = readRegions(dir, crsOf, problems);
  checkRegionGeometry(
    regions.tree,
    regions.origins,
    { ...DEFAULT_TOLERANCE, ...settings.tolerance },
    problems,
    regions.rejected.parents,
  );

  const byId = new Map<string, Region>(
    regions.features.map((f) => [f.properties.id, f.properties]),
  );
  const gridFeatures = regions.features.filter((f) => f.properties.level === 'grid');
  const cityFeature = regions.tree.find((f) => f.properties.level === 'city');
  const frame: CityFrame = {
    regions: byId,
    grids: new AreaIndex<RegionFeature>(gridFeatures, (f) => f.geometry),
    gridsById: new Map(gridFeatures.map((f) => [f.properties.id, f])),
    city: cityFeature,
    crsOf,
    rejected: {
      ids: regions.rejected.ids,
      contains: (p) => regions.rejected.areas.some((a) => pointInArea(p, a)),
    },
  };
  const cameras = readCameras(dir, frame, problems);
  const departments = readDepartments(dir, frame, problems);
  const gridWorkers = readGridWorkers(dir, frame, problems);
  const patrols = readPatrols(dir, frame, problems);
  const keyPlaces = readKeyPlaces(dir, frame, problems);
  if (!cityFeature || problems.errors.length) return done();

  // A grid's worker is the first worker naming it.
  const workerOf = new Map<string, string>();
  for (const w of gridWorkers)
    for (const g of w.gridIds) if (!workerOf.has(g)) workerOf.set(g, w.id);
  const unwalked = gridFeatures.filter((f) => !workerOf.has(f.properties.id));
  if (unwalked.length)
    problems.warn(
      'grid-workers',
      `${unwalked.length} of ${gridFeatures.length} grids have no grid worker (${unwalked
        .slice(0, 3)
        .map((f) => f.properties.id)
        .join(
          ', ',
        )}${unwalked.length > 3 ? ', …' : ''}): their incidents cannot be assigned to one`,
    );
  const features = regions.features.map((f): RegionFeature => {
    const gridWorkerId = workerOf.get(f.properties.id);
    return gridWorkerId ? { ...f, properties: { ...f.properties, gridWorkerId } } : f;
  });
  return done({
    info: {
      name: settings.name,
      center: cityFeature.properties.center,
      bbox: areaBBox(cityFeature.geometry),
    },
    regions: { type: 'FeatureCollection', features },
    cameras,
    gridWorkers,
    departments,
    patrols,
    keyPlaces,
  });
}

function readCityFile(dir: string, problems: ProblemList): CityFile | undefined {
  if (!existsSync(join(dir, 'city.json'))) {
    problems.error('city.json', 'is missing: every package starts with one (docs/CITY.md)');
    return undefined;
  }
  const json = readJson(join(dir, 'city.json'), 'city.json', problems);
  if (json === undefined) return undefined;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    problems.error('city.json', 'expected a JSON object');
    return undefined;
  }
  return validate(
    CityFileSchema,
    { origin: { file: 'city.json', where: '' }, fields: json as Record<string, unknown> },
    problems,
  );
}

/** A package with errors, refused at start: its message lists every problem, one per line. */
export class CityPackageError extends Error {
  constructor(readonly check: CityCheck) {
    const errors = check.problems.filter((p) => p.severity === 'error');
    super(
      `the city package ${check.dir} has ${errors.length} error${errors.length === 1 ? '' : 's'} (check it with npm run city:check -- ${check.dir}):\n${errors.map(formatProblem).join('\n')}`,
    );
  }
}

export interface LoadedCity {
  city: City;
  dir: string;
  basemapDir: string | undefined;
  warnings: CityProblem[];
}

/** The city for the server: checked, or refused with every problem. */
export function loadCity(dir: string): LoadedCity {
  const check = checkCity(dir);
  if (!check.city) throw new CityPackageError(check);
  return {
    city: check.city,
    dir: check.dir,
    basemapDir: check.basemapDir,
    warnings: check.problems.filter((p) => p.severity === 'warning'),
  };
}
