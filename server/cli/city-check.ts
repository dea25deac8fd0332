// npm run city:check -- <dir>: checks a city package and prints every problem, one per line,
// as the server would at start. Exit code 1 when the package has errors.
import { checkCity, formatProblem } from '../city/index.js';

const dir = process.argv[2] ?? process.env.CITY_DIR;
if (!dir) {
  console.error('usage: npm run city:check -- <city package folder>');
  process.exit(2);
}
const started = performance.now();
const check = checkCity(dir);
for (const p of check.problems) console.log(formatProblem(p));
const errors = check.problems.filter((p) => p.severity === 'error').length;
const warnings = check.problems.length - errors;
const ms = Math.round(performance.now() - started);
if (check.city) {
  const { city } = check;
  const count = (level: string) =>
    city.regions.features.filter((f) => f.properties.level === level).length;
  console.log(
    `${check.dir}: ${city.info.name}, ${count('district')} districts, ${count('street')} streets, ${count('community')} communities, ${count('grid')} grids, ${city.cameras.length} cameras, ${city.departments.length} departments, ${city.gridWorkers.length} grid workers, ${city.patrols.length} patrols, ${city.keyPlaces.length} key places: OK${warnings ? ` with ${warnings} warning${warnings === 1 ? '' : 's'}` : ''} (${ms} ms)`,
  );
} else {
  console.log(
    `${check.dir}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (${ms} ms)`,
  );
  process.exitCode = 1;
}
