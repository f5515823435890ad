#!/usr/bin/env node
// Frame times of the games (issue 12): a scratch card scratched with the pointer and a spin of the
// prize wheel, at full speed and with the CPU slowed 4x (CDP Emulation.setCPUThrottlingRate).
// Set-up, all real: the reference server (--demo, a throwaway SQLite file), a fresh phone-sized
// Chromium profile that joins the yakiniku place, a cashier purchase of NT$1,000 (a wheel ticket
// and a scratch card, drawn by the issuer), the wallet's own sync. Then per CPU rate:
//   scratching: requestAnimationFrame deltas from the first pointer-down to the outcome shown
//               (9 strokes across the card, 12 pointer moves each, as fast as the input goes);
//   spinning:   deltas from the tap on "spin" to the outcome shown (a 4.6 s CSS transition).
// Printed: median, p95 and max frame time and the frames over 16.7 ms (a dropped frame at 60 Hz).
//
//   node bench/game-frames.mjs [--cpu 1,4]
//
// Needs target/server/wallet-server and dist/ (bench/run.sh builds both).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser, median, option, PHONE, quantile, startServer, stopServer, throttleCpu } from './lib.mjs';

const FRAME_MS = 1000 / 60;
const cpus = String(option('--cpu', '1,4')).split(',').map(Number);

function summary(name, rate, deltas) {
  const over = deltas.filter((d) => d > FRAME_MS + 0.5).length;
  console.log(
    `[games] ${name}, CPU ${rate}x: median ${median(deltas).toFixed(1)} ms, p95 ${quantile(deltas, 0.95).toFixed(1)} ms, ` +
      `max ${Math.max(...deltas).toFixed(1)} ms, ${over} of ${deltas.length} frames over 16.7 ms`,
  );
}

const recordFrames = () => {
  window.__frames = [];
  window.__recording = true;
  const tick = (t) => {
    window.__frames.push(t);
    if (window.__recording) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};
const frameDeltas = () => {
  window.__recording = false;
  const f = window.__frames;
  return f.slice(1).map((t, i) => t - f[i]);
};

async function twoTickets(page, base) {
  await page.goto(new URL(`/join?issuer=${encodeURIComponent(base.replace(/\/$/, ''))}&code=YAKINIKU`, base).href);
  await page.getByTestId('one-time-code').waitFor();
  await page.getByTestId('games-invite').waitFor({ timeout: 30_000 });
  const typed = `${await page.getByTestId('member-number').textContent()} ${await page.getByTestId('one-time-code').textContent()}`;
  const res = await fetch(new URL('/v1/cashier/purchase', base), {
    method: 'POST',
    headers: { authorization: 'Bearer demo-cashier-yakiniku', 'content-type': 'application/json' },
    body: JSON.stringify({ payload: typed, amount: 1000, request_id: crypto.randomUUID() }),
  });
  if (res.status !== 200) throw new Error(`purchase answered ${res.status}: ${await res.text()}`);
  for (let i = 0; i < 60; i++) {
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    const text = await page.getByTestId('games-invite').textContent();
    if (text.includes('2')) return;
    await page.waitForTimeout(500);
  }
  throw new Error('the two tickets did not arrive');
}

const dir = mkdtempSync(path.join(tmpdir(), 'wallet-games-'));
const server = await startServer(`sqlite://${dir}/bench.db?mode=rwc`);
const browser = await launchBrowser();
try {
  console.log(`[games] load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const rate of cpus) {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await twoTickets(page, server.url);
    await throttleCpu(context, page, rate);
    await page.getByTestId('games-invite').getByRole('link').click();
    await page.getByTestId('game-ticket').filter({ hasText: '刮刮' }).click();
    const canvas = page.getByTestId('scratch-canvas');
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    await page.evaluate(recordFrames);
    await page.mouse.move(box.x + 10, box.y + 10);
    await page.mouse.down();
    for (let row = 0; row <= 8; row++) {
      const y = box.y + 12 + (row * (box.height - 24)) / 8;
      await page.mouse.move(row % 2 ? box.x + 10 : box.x + box.width - 10, y, { steps: 12 });
    }
    await page.mouse.up();
    await page.getByTestId('game-outcome').waitFor();
    summary('scratching', rate, await page.evaluate(frameDeltas));

    await page.getByTestId('game-back').click();
    await page.getByTestId('game-ticket').filter({ hasText: '轉盤' }).click();
    await page.getByTestId('wheel-spin').waitFor();
    await page.evaluate(recordFrames);
    await page.getByTestId('wheel-spin').click();
    await page.getByTestId('game-outcome').waitFor({ timeout: 30_000 });
    summary('spinning the wheel', rate, await page.evaluate(frameDeltas));
    await context.close();
  }
} finally {
  await browser.close();
  await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
}
