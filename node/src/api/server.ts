/**
 * The API as a peer component: listens on its address once the peer is up, and closes
 * first when the peer stops (in-flight requests finish; idle keep-alive sockets are cut).
 */
import type { FastifyInstance } from 'fastify';
import { buildApi } from './app.ts';
import type { ApiSources } from './sources.ts';

export interface ApiAddress {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export class ApiServer {
  private readonly app: FastifyInstance;
  private listening: string | undefined;

  constructor(
    private readonly address: ApiAddress,
    sources: ApiSources,
  ) {
    this.app = buildApi(sources);
  }

  /** The base URL, e.g. `http://127.0.0.1:9522`, once started. */
  get url(): string | undefined {
    return this.listening;
  }

  async start(): Promise<void> {
    await this.app.listen({ host: this.address.host, port: this.address.port });
    const bound = this.app.server.address();
    if (bound === null || typeof bound === 'string') throw new Error('the API has no TCP address');
    const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    this.listening = `http://${host}:${bound.port}`;
  }

  async stop(): Promise<void> {
    await this.app.close();
  }
}
