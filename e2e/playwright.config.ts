import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser (the machine reaches no browser download site).
// The background-networking flags stop Chromium from flooding the closed network with connections.
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A phone in Taipei reading zh-TW: every test's browser (and a browser a test launches itself). */
export const phone = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-TW',
  timezoneId: 'Asia/Taipei',
};

export default defineConfig({
  testDir: './tests',
  outputDir: 'output/',
  globalSetup: require.resolve('./global-setup'),
  // Files run in parallel (each has its own server and database); tests inside a file in order.
  // Two workers: the machine has 2 cores, shared by Chromium and the server.
  workers: 2,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  // scripts/test.sh reads the JSON report to count passed and failed tests.
  reporter: [['list'], ['json', { outputFile: process.env.E2E_JSON_REPORT ?? 'output/results.json' }]],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: chromiumArgs,
    },
    ...phone,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'phone-zh-TW' }],
});
