// Where the API listens: its own small module, so that the CLI can parse `--api` without
// loading the server.
export interface ApiAddress {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** When the port is taken, listen on a free one instead of failing (the default address). */
  fallback?: boolean;
}

/** The API's default address: this machine only, on nightshift's API port. */
export const DEFAULT_API: Readonly<ApiAddress> = { host: '127.0.0.1', port: 7733, fallback: true };
