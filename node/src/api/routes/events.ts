/**
 * GET /api/v1/events: a server-sent events stream of everything that happens on the node
 * (node-events.ts lists the events). Each event is `id: <seq>`, `event: <type>` and one
 * JSON `data:` line; a comment line every heartbeat keeps proxies and idle timers from
 * closing a quiet stream. The stream ends cleanly when the node stops.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { DeliveredEvent } from '../../events/node-events.ts';
import { ApiError, errorResponses } from '../errors.ts';
import type { ApiSources } from '../sources.ts';

export interface EventsRouteOptions {
  sources: ApiSources;
  heartbeatMs: number;
}

/** How long a browser waits before reconnecting a dropped stream. */
const RETRY_MS = 2000;

export const eventsRoute: FastifyPluginAsync<EventsRouteOptions> = async (
  app,
  { sources, heartbeatMs },
) => {
  /** Ends the open streams, so that closing the server does not wait on them. */
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get('/api/v1/events', { schema: { response: errorResponses } }, async (request, reply) => {
    const events = sources.events;
    if (!events) throw new ApiError('unavailable', 'this node publishes no events');
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Tells a buffering reverse proxy (nginx) to pass events through at once.
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: ${RETRY_MS}\n: connected\n\n`);
    const send = (event: DeliveredEvent) => {
      raw.write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    let ended = false;
    let stopOnClose = () => {};
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      stopOnClose();
      open.delete(end);
      raw.end();
    };
    const unsubscribe = events.subscribe(send);
    open.add(end);
    // Last: a source already closed calls `end` at once.
    stopOnClose = events.onClose(end);
    request.raw.on('close', end);
  });
};
