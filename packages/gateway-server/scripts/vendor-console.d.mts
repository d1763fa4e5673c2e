/** Package, file in it, name under console/vendor. */
export declare const VENDORED: readonly (readonly [string, string, string])[];
/** The installed package's folder: the nearest node_modules/<name> above the script. */
export declare function packageRoot(name: string): string;
