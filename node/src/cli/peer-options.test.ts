// The peer options as the command line gives them: the API is on by default at its own
// address (with a fallback port), off with `--api off`, and exactly where `--api` says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { DEFAULT_API } from '../api/server.ts';
import { apiOption, peerOptionsFrom } from './peer-options.ts';

describe('peer options', () => {
  it('serves the API on 127.0.0.1:7733 by default, falling back to a free port', () => {
    const options = peerOptionsFrom({ mdns: false }, '/tmp/data');
    assert.deepEqual(options.api, { host: '127.0.0.1', port: 7733, fallback: true });
    assert.deepEqual(DEFAULT_API, { host: '127.0.0.1', port: 7733, fallback: true });
  });

  it('serves no API with --api off', () => {
    assert.equal(apiOption('off'), false);
    const options = peerOptionsFrom({ mdns: false, api: apiOption('off') }, '/tmp/data');
    assert.equal(options.api, undefined);
  });

  it('serves the API exactly where --api says, with no fallback', () => {
    const api = apiOption('127.0.0.1:9522');
    assert.deepEqual(api, { host: '127.0.0.1', port: 9522 });
    assert.deepEqual(peerOptionsFrom({ mdns: false, api }, '/tmp/data').api, api);
    assert.deepEqual(apiOption(':0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(apiOption('[::1]:80'), { host: '::1', port: 80 });
  });

  it('refuses an --api that is neither off nor host:port', () => {
    for (const bad of ['on', '127.0.0.1', '127.0.0.1:99999', 'a b:1', '']) {
      assert.throws(() => apiOption(bad), InvalidArgumentError, bad);
    }
  });
});
