import { existsSync } from 'node:fs';
import { serverBinary, distDir } from './paths';

// Fail once, with the fix, instead of once per test.
export default function globalSetup(): void {
  const missing: string[] = [];
  if (!existsSync(serverBinary)) {
    missing.push(`${serverBinary} (cargo build -p wallet-server --bins --example seed_entities)`);
  }
  if (!existsSync(`${distDir}/index.html`)) {
    missing.push(`${distDir}/index.html (scripts/build-app.sh)`);
  }
  if (missing.length > 0) {
    throw new Error(`e2e needs the release build; missing:\n  ${missing.join('\n  ')}`);
  }
}
