/**
 * Compiles a Java harness (by default the Leshan server harness, leshan/harness/*.java; the Leshan
 * client harness passes its own directory) against the library install.sh fetched, once per
 * source version. Classes live in $PEERS/leshan/harness-classes/<hash>, the hash
 * being sha256 of the library version and every .java file: a directory, once there, is never
 * rewritten, so test workers that start the harness at the same time cannot pull classes from
 * under each other's JVM. javac writes to a staging directory that is renamed into place; when
 * another worker won that race, its identical build is used. Builds of older sources stay behind
 * (a few kB each); install.sh does not need to know about them.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileAsync } from '../peer-process.js';

export const harnessSourceDir = join(dirname(fileURLToPath(import.meta.url)), 'harness');
export const HARNESS_MAIN_CLASS = 'LeshanHarness';

async function javaSources(sourceDir: string): Promise<string[]> {
  return (await readdir(sourceDir))
    .filter((f) => f.endsWith('.java'))
    .sort()
    .map((f) => join(sourceDir, f));
}

async function sourceHash(
  libraryVersion: string,
  sourceDir: string,
  sources: readonly string[],
): Promise<string> {
  const hash = createHash('sha256').update(`leshan ${libraryVersion}\n`);
  for (const file of sources) {
    hash.update(`${file.slice(sourceDir.length)}\n`);
    hash.update(await readFile(file));
  }
  return hash.digest('hex').slice(0, 16);
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** The directory of harness classes for the current sources, compiling them first if needed. */
export async function compileHarness(options: {
  readonly javac: string;
  /** `<lib>/*` */
  readonly classpath: string;
  readonly libraryVersion: string;
  /** Parent of the per-hash class directories. */
  readonly classesRoot: string;
  /** Directory of the .java files (default: the Leshan server harness). */
  readonly sourceDir?: string;
  /** Class whose .class file marks a complete build (default: LeshanHarness). */
  readonly mainClass?: string;
}): Promise<string> {
  const { javac, classpath, libraryVersion, classesRoot } = options;
  const sourceDir = options.sourceDir ?? harnessSourceDir;
  const mainClass = options.mainClass ?? HARNESS_MAIN_CLASS;
  const sources = await javaSources(sourceDir);
  const classesDir = join(classesRoot, await sourceHash(libraryVersion, sourceDir, sources));
  if (await exists(join(classesDir, `${mainClass}.class`))) return classesDir;

  await mkdir(classesRoot, { recursive: true });
  const staging = await mkdtemp(join(classesRoot, 'build-'));
  try {
    try {
      await execFileAsync(
        javac,
        ['-nowarn', '-encoding', 'UTF-8', '-d', staging, '-cp', classpath, ...sources],
        {
          timeout: 60_000,
        },
      );
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message?: string };
      throw new Error(
        `javac failed on the harness in ${sourceDir}:\n${e.stderr ?? ''}${e.stdout ?? ''}${e.message ?? ''}`,
      );
    }
    try {
      await rename(staging, classesDir);
    } catch (err) {
      // Another worker renamed the same build into place first.
      if (!(await exists(join(classesDir, `${mainClass}.class`)))) throw err;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return classesDir;
}
