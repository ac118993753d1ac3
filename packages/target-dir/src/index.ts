/** @nightshift/target-dir: a target as a researcher writes it, a directory with target.json. */
export { isTargetDirError, TargetDirError, type TargetDirErrorCode } from './errors.ts';
export { loadTargetDir, MANIFEST_FILE, type TargetDir, type TargetFile } from './load.ts';
export { parseManifest, type TargetManifest } from './manifest.ts';
export { type Submission, unsignedTarget } from './target.ts';
