/**
 * `llm`: a searcher backed by any OpenAI-compatible chat-completions endpoint. A proposal
 * takes a bounded number of attempts: a malformed answer is sent back with what was wrong
 * with it, a transport failure is retried after an exponential backoff, and every failed
 * attempt is counted in the proposal's warnings. Only when all attempts fail does it throw
 * (`llm_failed`); a request the endpoint refuses outright (`llm_request_rejected`: wrong
 * URL, model or key) is not retried.
 */
import {
  isSearcherError,
  SearcherError,
  type SearcherErrorCode,
  throwIfAborted,
} from '../errors.ts';
import { RECENT_EXPERIMENTS } from '../journal-text.ts';
import {
  checkProposal,
  type Proposal,
  type SearchContext,
  type Searcher,
  type SearcherWarning,
} from '../searcher.ts';
import { applyAnswer } from './answer.ts';
import { chatCompletion } from './chat-client.ts';
import { type ChatMessage, retryPrompt, systemPrompt, userPrompt } from './prompt.ts';

export interface LlmOptions {
  /** Server base URL, `.../v1`, or the full `.../chat/completions` endpoint. */
  url: string;
  model: string;
  /** Name of the environment variable holding the API key (sent as a bearer token). */
  apiKeyEnv?: string;
  /** Attempts per proposal (default 4). */
  attempts?: number;
  /** First backoff after a transport failure, doubled each time (default 1000 ms). */
  backoffMs?: number;
  /** Per request (default 5 minutes: local models on a CPU are slow). */
  timeoutMs?: number;
  temperature?: number;
  maxTokens?: number;
  /** Journal entries shown to the model (default 30). */
  journalEntries?: number;
  /** Characters of mutable files shown to the model, in all (default 200,000). */
  maxFileChars?: number;
}

/** Failures of the answer itself: asked again at once, with feedback. */
const ANSWER_FAILURES = new Set<SearcherErrorCode>([
  'llm_no_edit',
  'diff_malformed',
  'diff_does_not_apply',
  'forbidden_path',
  'no_change',
]);

export class LlmSearcher implements Searcher {
  readonly name = 'llm';

  constructor(private readonly options: LlmOptions) {}

  async propose(ctx: SearchContext): Promise<Proposal> {
    const o = this.options;
    const attempts = Math.max(1, o.attempts ?? 4);
    const apiKey = o.apiKeyEnv ? process.env[o.apiKeyEnv] : undefined;
    if (o.apiKeyEnv && !apiKey) {
      throw new SearcherError('llm_request_rejected', `no API key: ${o.apiKeyEnv} is not set`);
    }
    const prompt: ChatMessage[] = [
      { role: 'system', content: systemPrompt(ctx) },
      {
        role: 'user',
        content: userPrompt(ctx, o.journalEntries ?? RECENT_EXPERIMENTS, o.maxFileChars ?? 200_000),
      },
    ];
    let messages = prompt;
    const warnings: SearcherWarning[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      throwIfAborted(ctx.signal);
      let answer: string | undefined;
      try {
        answer = await chatCompletion({
          url: o.url,
          model: o.model,
          ...(apiKey ? { apiKey } : {}),
          messages,
          ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
          ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
          timeoutMs: o.timeoutMs ?? 5 * 60_000,
          maxResponseBytes: 8 << 20,
          signal: ctx.signal,
        });
        const applied = applyAnswer(answer, ctx.files);
        const description =
          applied.description ?? `changed ${[...applied.files.keys()].join(', ')}`;
        return checkProposal(ctx.target, ctx.files, {
          files: applied.files,
          description,
          warnings,
        });
      } catch (err) {
        if (
          !isSearcherError(err) ||
          err.code === 'aborted' ||
          err.code === 'llm_request_rejected'
        ) {
          throw err;
        }
        warnings.push({ code: 'retried', failure: err.code, message: err.message });
        if (attempt === attempts) break;
        if (answer !== undefined && ANSWER_FAILURES.has(err.code)) {
          // Only the latest bad answer is sent back, so retries do not grow the prompt.
          messages = [
            ...prompt,
            { role: 'assistant', content: answer },
            { role: 'user', content: retryPrompt(err.message) },
          ];
        } else {
          await sleep((o.backoffMs ?? 1000) * 2 ** (attempt - 1), ctx.signal);
        }
      }
    }
    const failures = warnings.flatMap((w) => (w.code === 'retried' ? [w.failure] : []));
    throw new SearcherError('llm_failed', `${attempts} attempts failed: ${failures.join(', ')}`, {
      failures,
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
