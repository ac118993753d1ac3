import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommanderError } from 'commander';
import { IdentityError } from '../identity.ts';
import { CliError, exitCodes, toCliError } from './errors.ts';

describe('CLI errors', () => {
  it('map every code to a non-zero exit code, and usage to 2', () => {
    for (const [code, exit] of Object.entries(exitCodes)) assert.ok(exit > 0, code);
    assert.equal(new CliError('usage', 'x').exitCode, 2);
  });

  it('keep the code of an identity error', () => {
    const error = toCliError(new IdentityError('identity_corrupt', 'bad key', '/k'));
    assert.equal(error.code, 'identity_corrupt');
    assert.equal(error.message, 'bad key');
  });

  it("turn commander's errors into usage errors without its 'error: ' prefix", () => {
    const error = toCliError(
      new CommanderError(1, 'commander.unknownOption', "error: unknown option '-x'"),
    );
    assert.equal(error.code, 'usage');
    assert.equal(error.message, "unknown option '-x'");
  });

  it('turn anything else into an internal error', () => {
    assert.equal(toCliError(new TypeError('oops')).code, 'internal');
    assert.equal(toCliError('a string').message, 'a string');
  });
});
