/** The runner's name and version, as receipts name it (`Receipt.runner`, at most 64 bytes). */
export const RUNNER_NAME = 'nightshift-runner';
/** Kept equal to package.json's version (checked by a test). */
export const RUNNER_VERSION = '0.1.0';
export const RUNNER_ID = `${RUNNER_NAME}/${RUNNER_VERSION}`;
