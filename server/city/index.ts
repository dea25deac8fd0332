// The city a centre runs, from its city package (docs/CITY.md).
export { checkCity, loadCity, CityPackageError, type CityCheck, type LoadedCity } from './load.js';
export { formatProblem, type CityProblem } from './problems.js';
