/**
 * A stand-in for an OpenAI-compatible chat-completions server on 127.0.0.1: it replays
 * scripted replies in order (an answer, a raw body, an HTTP status, a delay) and records
 * every request, so tests can check both what the llm searcher sent and how it copes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptedReply =
  /** A well-formed completion whose message content is `content`. */
  | { content: string; delayMs?: number }
  /** Any status and raw body, e.g. a 500 or a 200 that is not JSON. */
  | { status: number; body: string; delayMs?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: { model: string; messages: { role: string; content: string }[] } & Record<string, unknown>;
}

export interface ChatServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startChatServer(replies: ScriptedReply[]): Promise<ChatServer> {
  const requests: RecordedRequest[] = [];
  let next = 0;
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body: JSON.parse(raw),
    });
    const reply = replies[next++];
    if (reply === undefined) {
      res.writeHead(500).end('script exhausted');
      return;
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if ('status' in reply) {
      res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `chatcmpl-${next}`,
        object: 'chat.completion',
        model: 'scripted',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: reply.content },
            finish_reason: 'stop',
          },
        ],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
