/**
 * One OpenAI-compatible chat-completions request (OpenAI, llama.cpp's server, Ollama, vLLM):
 * every way it can fail becomes a SearcherError with its own code, so the caller can decide
 * what to retry without reading messages.
 */
import { SearcherError } from '../errors.ts';
import type { ChatMessage } from './prompt.ts';

export interface ChatRequest {
  /** A server base URL (`http://127.0.0.1:8080`), an OpenAI-style base (`.../v1`), or the
   *  full endpoint (`.../chat/completions`). */
  url: string;
  model: string;
  apiKey?: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  timeoutMs: number;
  maxResponseBytes: number;
  signal: AbortSignal;
}

export function completionsUrl(url: string): string {
  const base = url.replace(/\/+$/, '');
  if (base.endsWith('/chat/completions')) return base;
  if (base.endsWith('/v1')) return `${base}/chat/completions`;
  return `${base}/v1/chat/completions`;
}

/** Statuses no retry can fix: a wrong URL, model, key or request. */
const REJECTED = new Set([400, 401, 403, 404, 405, 422]);

export async function chatCompletion(req: ChatRequest): Promise<string> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = AbortSignal.any([req.signal, timeout]);
  const fail = (err: unknown): never => {
    if (req.signal.aborted) throw new SearcherError('aborted', 'search cancelled');
    if (timeout.aborted) throw new SearcherError('llm_timeout', `no answer in ${req.timeoutMs} ms`);
    throw new SearcherError('llm_unreachable', String((err as Error)?.cause ?? err), {
      cause: err,
    });
  };
  let body: string;
  let status: number;
  try {
    const response = await fetch(completionsUrl(req.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(req.apiKey ? { authorization: `Bearer ${req.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: req.model,
        messages: req.messages,
        ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
        ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
      }),
      signal,
    });
    status = response.status;
    body = await readBounded(response, req.maxResponseBytes);
  } catch (err) {
    if (err instanceof SearcherError) throw err;
    return fail(err);
  }
  if (status < 200 || status > 299) {
    const code = REJECTED.has(status) ? 'llm_request_rejected' : 'llm_http_error';
    throw new SearcherError(code, `HTTP ${status}: ${body.slice(0, 200)}`);
  }
  return contentOf(body);
}

function contentOf(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new SearcherError('llm_bad_response', `not JSON: ${body.slice(0, 80)}`);
  }
  const content = (json as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]
    ?.message?.content;
  if (typeof content !== 'string') {
    throw new SearcherError('llm_bad_response', 'no choices[0].message.content string');
  }
  return content;
}

async function readBounded(response: Response, max: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > max) throw new SearcherError('llm_bad_response', `response over ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
