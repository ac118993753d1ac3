/**
 * The API as a peer component: listens on its address once the peer is up, and closes
 * first when the peer stops (in-flight requests finish; idle keep-alive sockets are cut;
 * event streams end). On the default address a busy port is not an error: another node on
 * this machine has it, so this one takes a free port and says so.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiAddress } from './address.ts';
import { type ApiOptions, buildApi } from './app.ts';
import type { ApiSources } from './sources.ts';

export { type ApiAddress, DEFAULT_API } from './address.ts';

export class ApiServer {
  private readonly app: FastifyInstance;
  private listening: string | undefined;
  private fellBack = false;

  constructor(
    private readonly address: ApiAddress,
    sources: ApiSources,
    options: ApiOptions = {},
  ) {
    this.app = buildApi(sources, options);
  }

  /** The base URL, e.g. `http://127.0.0.1:7733`, once started. */
  get url(): string | undefined {
    return this.listening;
  }

  /** True when the asked port was taken and the API listens on a free one instead. */
  get onFallbackPort(): boolean {
    return this.fellBack;
  }

  async start(): Promise<void> {
    const { host, port } = this.address;
    try {
      await this.app.listen({ host, port });
    } catch (err) {
      if (!this.address.fallback || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      await this.app.listen({ host, port: 0 });
      this.fellBack = true;
    }
    const bound = this.app.server.address();
    if (bound === null || typeof bound === 'string') throw new Error('the API has no TCP address');
    const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    this.listening = `http://${shown}:${bound.port}`;
  }

  async stop(): Promise<void> {
    await this.app.close();
  }
}
