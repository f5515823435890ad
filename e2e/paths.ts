import path from 'node:path';

// What the e2e suite runs: the server binary and the release build it serves.
const root = path.resolve(__dirname, '..');
export const serverBinary =
  process.env.WALLET_SERVER_BIN ?? path.join(root, 'target', 'server', 'wallet-server');
export const distDir = process.env.WALLET_DIST ?? path.join(root, 'dist');
