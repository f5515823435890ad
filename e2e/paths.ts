import path from 'node:path';

// What the e2e suite runs: the server binary and the release build of the app it serves. The
// server is the debug build the native suites built already (its optimized build, for the
// benches, is minutes of compiling a clean clone need not spend; the suite took as long with it).
const root = path.resolve(__dirname, '..');
export const serverBinary =
  process.env.WALLET_SERVER_BIN ?? path.join(root, 'target', 'debug', 'wallet-server');
export const distDir = process.env.WALLET_DIST ?? path.join(root, 'dist');
