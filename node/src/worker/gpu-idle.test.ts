// --when-idle against a stand-in nvidia-smi that answers from a file the test writes.
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freshDataDir } from '@nightshift/store/testing';
import { GpuIdleError, nvidiaSmiIdle } from './gpu-idle.ts';

async function standIn() {
  const dir = await freshDataDir('nvidia-smi');
  await mkdir(dir, { recursive: true });
  const apps = join(dir, 'apps.csv');
  const script = join(dir, 'nvidia-smi');
  await writeFile(
    script,
    `#!/bin/sh
case "$1" in
  --query-gpu=index,uuid) printf '0, GPU-aaaa\\n1, GPU-bbbb\\n' ;;
  --query-compute-apps=gpu_uuid,pid) cat "${apps}" ;;
  *) echo "unexpected: $*" >&2; exit 9 ;;
esac
`,
  );
  await chmod(script, 0o755);
  return { script, setApps: (csv: string) => writeFile(apps, csv) };
}

describe('nvidiaSmiIdle', () => {
  it('calls a GPU busy while another process computes on it, and idle once it is gone', async () => {
    const { script, setApps } = await standIn();
    const idle = nvidiaSmiIdle(script);
    await setApps('GPU-bbbb, 4242\n');
    assert.equal(await idle('0'), true);
    assert.equal(await idle('1'), false);
    await setApps('');
    assert.equal(await idle('1'), true);
  });

  it('fails with a clear error for a GPU it does not list, or a broken nvidia-smi', async () => {
    const { script, setApps } = await standIn();
    await setApps('');
    await assert.rejects(nvidiaSmiIdle(script)('7'), (err) => err instanceof GpuIdleError);
    await assert.rejects(
      nvidiaSmiIdle('/nonexistent/nvidia-smi')('0'),
      (err) => err instanceof GpuIdleError && /nvidia-smi/.test(err.message),
    );
  });
});
