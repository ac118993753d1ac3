import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  type ChatServer,
  type ScriptedReply,
  startChatServer,
  testContext,
  text,
} from '../../testing/index.ts';
import { isSearcherError } from '../errors.ts';
import type { JournalEntry } from '../searcher.ts';
import { completionsUrl } from './chat-client.ts';
import { type LlmOptions, LlmSearcher } from './llm.ts';

const WHOLE_FILE = 'Description: order 5\n```model.py\nORDER = 5\n```\n';
const DIFF =
  'Description: kneser-ney smoothing\n```diff\n--- a/model.py\n+++ b/model.py\n' +
  '@@ -24,1 +24,1 @@\n-SMOOTHING = "add-k"  # "add-k", "witten-bell", "absolute" or "kneser-ney"\n' +
  '+SMOOTHING = "kneser-ney"  # "add-k", "witten-bell", "absolute" or "kneser-ney"\n```\n';

const servers: ChatServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function searcherFor(replies: ScriptedReply[], options: Partial<LlmOptions> = {}) {
  const server = await startChatServer(replies);
  servers.push(server);
  const searcher = new LlmSearcher({
    url: server.url,
    model: 'test-model',
    backoffMs: 5,
    ...options,
  });
  return { server, searcher };
}

const retried = (proposal: { warnings?: { code: string; failure?: string }[] }) =>
  (proposal.warnings ?? []).map((w) => w.failure);

describe('llm searcher', () => {
  it('sends program.md, the mutable files and the journal, and applies a whole-file answer', async () => {
    process.env['NIGHTSHIFT_TEST_LLM_KEY'] = 'sk-test';
    const { server, searcher } = await searcherFor([{ content: WHOLE_FILE }], {
      apiKeyEnv: 'NIGHTSHIFT_TEST_LLM_KEY',
    });
    const journal: JournalEntry[] = [
      { n: 1, description: 'ORDER 2 -> 3', status: 'keep', metric: 2.9, seconds: 4 },
    ];
    const proposal = await searcher.propose(testContext({ journal }));
    assert.equal(text(proposal.files.get('model.py')), 'ORDER = 5\n');
    assert.equal(proposal.description, 'order 5');
    assert.deepEqual(proposal.warnings, []);
    const [request] = server.requests;
    assert.equal(request?.path, '/v1/chat/completions');
    assert.equal(request?.authorization, 'Bearer sk-test');
    assert.equal(request?.body.model, 'test-model');
    const user = request!.body.messages[1]!.content;
    assert.match(user, /# tiny-lm: instructions for a research agent/);
    assert.match(user, /```model.py\n#!\/usr\/bin\/env python3\n/);
    assert.match(user, /\| 1 \| 2\.9 \| keep \| ORDER 2 -> 3 \|/);
  });

  it('applies a unified-diff answer', async () => {
    const { searcher } = await searcherFor([{ content: DIFF }]);
    const proposal = await searcher.propose(testContext());
    assert.match(text(proposal.files.get('model.py')), /^SMOOTHING = "kneser-ney" {2}# "add-k"/m);
    assert.equal(proposal.description, 'kneser-ney smoothing');
  });

  it('counts malformed answers, sends back what was wrong, and uses the next good one', async () => {
    const bad = '```diff\n--- a/model.py\n+++ b/model.py\n@@ -1 +1 @@\n-NOT IN FILE\n+X\n```\n';
    const { server, searcher } = await searcherFor([
      { content: 'I would raise the order.' },
      { status: 200, body: 'this is not json' },
      { content: bad },
      { content: WHOLE_FILE },
    ]);
    const proposal = await searcher.propose(testContext());
    assert.equal(text(proposal.files.get('model.py')), 'ORDER = 5\n');
    assert.deepEqual(retried(proposal), ['llm_no_edit', 'llm_bad_response', 'diff_does_not_apply']);
    const feedback = server.requests[3]!.body.messages;
    assert.equal(feedback.length, 4);
    assert.equal(feedback[2]!.content, bad);
    assert.match(feedback[3]!.content, /^That answer could not be used: diff_does_not_apply/);
  });

  it('retries after an HTTP 500 and after a timeout', async () => {
    const { searcher } = await searcherFor(
      [
        { status: 500, body: 'overloaded' },
        { content: WHOLE_FILE, delayMs: 2000 },
        { content: WHOLE_FILE },
      ],
      { timeoutMs: 500 },
    );
    const proposal = await searcher.propose(testContext());
    assert.deepEqual(retried(proposal), ['llm_http_error', 'llm_timeout']);
  });

  it('refuses a path outside the mutable set, and gives up with llm_failed after its attempts', async () => {
    const harness = 'Description: easier metric\n```harness/score.py\nprint("val_bpc: 0.1")\n```\n';
    const { server, searcher } = await searcherFor([{ content: harness }, { content: harness }], {
      attempts: 2,
    });
    await assert.rejects(searcher.propose(testContext()), (err) => {
      assert.ok(isSearcherError(err, 'llm_failed'));
      assert.deepEqual(err.details.failures, ['forbidden_path', 'forbidden_path']);
      return true;
    });
    assert.equal(server.requests.length, 2);
  });

  it('does not retry a request the endpoint rejects, or an unreachable one past its attempts', async () => {
    const { server, searcher } = await searcherFor([{ status: 401, body: 'bad key' }]);
    await assert.rejects(searcher.propose(testContext()), (e) =>
      isSearcherError(e, 'llm_request_rejected'),
    );
    assert.equal(server.requests.length, 1);
    const keyless = new LlmSearcher({
      url: server.url,
      model: 'm',
      apiKeyEnv: 'NIGHTSHIFT_TEST_UNSET_KEY',
    });
    await assert.rejects(keyless.propose(testContext()), (e) =>
      isSearcherError(e, 'llm_request_rejected'),
    );
    assert.equal(server.requests.length, 1);
    const closed = new LlmSearcher({
      url: 'http://127.0.0.1:9',
      model: 'm',
      attempts: 2,
      backoffMs: 5,
    });
    await assert.rejects(closed.propose(testContext()), (err) => {
      assert.ok(isSearcherError(err, 'llm_failed'));
      assert.deepEqual(err.details.failures, ['llm_unreachable', 'llm_unreachable']);
      return true;
    });
  });

  it('posts to /v1/chat/completions under a base URL, and to a full endpoint as given', () => {
    assert.equal(completionsUrl('http://h:8080'), 'http://h:8080/v1/chat/completions');
    assert.equal(completionsUrl('http://h:11434/v1/'), 'http://h:11434/v1/chat/completions');
    assert.equal(
      completionsUrl('https://h/openai/chat/completions'),
      'https://h/openai/chat/completions',
    );
  });
});
