// Linear barcodes read back from the screen as a till's scanner would: zbar (Debian's zbar-tools,
// installed by scripts/test.sh) on a screenshot of the element. A different decoder from the
// encoder (barcoders, in Rust) is what proves the bars right.
import type { Locator } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What zbar reads in the element, as `SYMBOLOGY:text` lines (`CODE-39:/ABC1234`). */
export async function zbarRead(locator: Locator): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mw-zbar-'));
  try {
    const file = path.join(dir, 'code.png');
    writeFileSync(file, await locator.screenshot());
    try {
      // zbarimg exits 4 when it finds no code: that is an empty answer, not an error.
      const out = execFileSync('zbarimg', ['--quiet', file], { encoding: 'utf8' });
      return out.split('\n').filter((line) => line.length > 0);
    } catch (error) {
      if ((error as { status?: number }).status === 4) return [];
      throw error;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
