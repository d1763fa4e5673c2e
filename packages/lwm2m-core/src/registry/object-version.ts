/** Object and enabler versions are "major.minor" with decimal numbers, e.g. "1.0", "2.0", "1.10". */
const VERSION_RE = /^(\d{1,5})\.(\d{1,5})$/;

export const DEFAULT_OBJECT_VERSION = '1.0';

export function isObjectVersion(text: string): boolean {
  return VERSION_RE.test(text);
}

/** Orders versions numerically ("1.9" < "1.10" < "2.0"); strings that are not versions sort first. */
export function compareObjectVersions(a: string, b: string): number {
  const ma = VERSION_RE.exec(a);
  const mb = VERSION_RE.exec(b);
  if (ma === null || mb === null) {
    if (ma !== null) return 1;
    if (mb !== null) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return Number(ma[1]) - Number(mb[1]) || Number(ma[2]) - Number(mb[2]);
}
