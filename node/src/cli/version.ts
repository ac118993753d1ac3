import { readFileSync } from 'node:fs';

/** The version in node/package.json: the one `nightshift --version` prints. */
export function cliVersion(): string {
  const manifest: unknown = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  );
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}
