// Renders public/icons/icon.svg to the PNG sizes the manifest names, with
// Debian's Chromium. Run by hand after changing the SVG; the PNGs are committed.
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const svg = await readFile(new URL('../public/icons/icon.svg', import.meta.url), 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const targets = [
  ['icon-192.png', 192, 0],
  ['icon-512.png', 512, 0],
  // Maskable: keep the artwork inside the 80 % safe zone on a full-bleed background.
  ['icon-maskable-512.png', 512, 0.1],
];
for (const [name, size, pad] of targets) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  const inset = Math.round(size * pad);
  await page.setContent(
    `<body style="margin:0;background:#0b5cad"><div style="padding:${inset}px">` +
      svg.replace('<svg ', `<svg width="${size - 2 * inset}" height="${size - 2 * inset}" `) +
      '</div></body>',
  );
  await page.screenshot({ path: new URL(`../public/icons/${name}`, import.meta.url).pathname });
  await page.close();
}
await browser.close();
