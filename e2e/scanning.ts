// What the scanner tests need: QR images of any text (npm qrcode), a fake camera that films one
// (Chromium's --use-file-for-fake-video-capture, a y4m made by Debian's ffmpeg) and a browser
// launched with it on a profile that survives relaunches (the wallet's IndexedDB stays).
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import QRCode from 'qrcode';
import { chromiumArgs, phone } from './playwright.config';

/** A QR code of `text` as PNG bytes, with the quiet zone a printed code has. */
export function qrPng(text: string | Buffer): Promise<Buffer> {
  const content = typeof text === 'string' ? text : [{ data: text, mode: 'byte' as const }];
  return QRCode.toBuffer(content as any, { margin: 4, width: 360, errorCorrectionLevel: 'M' });
}

/** A video (`imageVideo`) of the QR code of `text`. */
export async function qrVideo(text: string, dir: string, name: string): Promise<string> {
  const png = path.join(dir, `${name}.png`);
  await QRCode.toFile(png, text, { margin: 4, width: 360 });
  return imageVideo(png, dir, name);
}

/** A video (y4m, 640x480, 2 s at 10 fps, looped by Chromium) of the picture `png` held still on
 * white; one wider than 600 pixels (a screenshot at the phone's pixel ratio) is scaled down. */
export function imageVideo(png: string, dir: string, name: string): string {
  const video = path.join(dir, `${name}.y4m`);
  execFileSync('ffmpeg', [
    '-loglevel', 'error', '-y', '-loop', '1', '-i', png, '-t', '2', '-r', '10',
    '-vf', "scale='min(iw,600)':-2,pad=640:480:(ow-iw)/2:(oh-ih)/2:color=white", '-pix_fmt', 'yuv420p', video,
  ]);
  return video;
}

/**
 * Chromium with a fake camera filming `video`, on the profile in `profileDir` (the same dir
 * relaunched keeps the wallet), at the suite's phone viewport and language.
 */
export function launchWithCamera(profileDir: string, video: string, baseURL: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      ...chromiumArgs,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
    baseURL,
    ...phone,
  });
}

/**
 * Keeps every camera stream the pages of `context` get (call before they open), so a test can
 * see the camera go off: `cameraOff(page)` is true once the page got a stream and every track
 * of every one has ended.
 */
export async function watchCameraStreams(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const devices = navigator.mediaDevices;
    const getUserMedia = devices.getUserMedia.bind(devices);
    const w = window as any;
    w.__streams = [];
    devices.getUserMedia = async (constraints) => {
      // Held by `holdCamera`: the camera is still starting until `releaseCamera`.
      if (w.__cameraHold) await w.__cameraHold.released;
      const stream = await getUserMedia(constraints);
      w.__streams.push(stream);
      return stream;
    };
  });
}

/** Makes the page's next camera requests wait, so the scanner stays "starting" as long as a test needs. */
export function holdCamera(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as any;
    let release!: () => void;
    w.__cameraHold = { released: new Promise<void>((resolve) => (release = resolve)) };
    w.__cameraHold.release = release;
  });
}

/** Lets the requests `holdCamera` held back go on (and the next ones through at once). */
export function releaseCamera(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as any;
    const hold = w.__cameraHold;
    w.__cameraHold = null;
    hold?.release();
  });
}

/** A video of a blank white page: the camera runs and never reads anything. */
export function blankVideo(dir: string, name: string): string {
  const video = path.join(dir, `${name}.y4m`);
  execFileSync('ffmpeg', [
    '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=white:s=640x480:r=10', '-t', '2',
    '-pix_fmt', 'yuv420p', video,
  ]);
  return video;
}

export function cameraOff(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const streams: MediaStream[] = (window as any).__streams;
    return streams.length > 0 && streams.every((s) => s.getTracks().every((t) => t.readyState === 'ended'));
  });
}
