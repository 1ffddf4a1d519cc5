// Bench section 10: several engines at once on one page (issue 14). 1, 2 and 4 engines
// each run the 61-step × 250 ms ramp of section 4 at the same time against one local
// endpoint; the lateness of every timed step of every engine, read from the journals the
// page keeps, shows what running engines side by side costs each one.
import { startPageServer, startSim, fillConnection } from '../../tests/e2e/harness.mjs';

// The credentials bench.mjs gives its simulators.
const AK = 'PDEBENCHKEY';
const SECRET = 'bench-secret';

/** In the page: every journal kept in IndexedDB, as lists of events. */
async function readAllJournals() {
  const req = (r) => new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
  const db = await req(indexedDB.open('pde'));
  try {
    const tx = db.transaction(['events', 'journals'], 'readonly');
    const ids = await req(tx.objectStore('journals').getAllKeys());
    const out = [];
    for (const id of ids) {
      const texts = await req(tx.objectStore('events').getAll(IDBKeyRange.bound([id, 0], [id, []])));
      out.push(texts.map((t) => JSON.parse(t)));
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * Opens the page at `url` with the connection to the simulator at `simUrl` and the
 * 61-step × 250 ms ramp of sections 4 and 10 (2 clouds of 40 VMs, peak 60).
 */
export async function openRampPage(page, url, simUrl) {
  page.on('dialog', (d) => d.accept());
  await page.goto(url);
  await fillConnection(page, { url: simUrl, profile: 'phantom', accessKey: AK, secret: SECRET });
  await page.getByLabel('Max VMs', { exact: true }).nth(0).fill('40');
  await page.getByLabel('Max VMs', { exact: true }).nth(1).fill('40');
  await page.getByLabel('Peak capacity').fill('60');
  await page.getByLabel('Interval (seconds)').fill('0.25');
  await page.getByLabel('Hold after the last step (seconds)').fill('0.25');
}

export async function benchEngines({ browser, row, median }) {
  const results = {};
  for (const n of [1, 2, 4]) {
    const sim = await startSim(['--credentials', `${AK}:${SECRET}`, '--boot-seconds', '0.2']);
    const server = await startPageServer({ proxies: [`/phantom/=${sim.url}`] });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const page = await context.newPage();
      await openRampPage(page, server.url, sim.url);
      for (let i = 1; i < n; i++) {
        await page.getByRole('button', { name: 'Add domain', exact: true }).click();
        await page.locator('section.engine').nth(i).waitFor();
      }
      const sections = page.locator('section.engine');
      for (let i = 0; i < n; i++) await sections.nth(i).getByRole('button', { name: 'Run', exact: true }).click();
      for (let i = 0; i < n; i++) {
        await sections.nth(i).locator('.step-log .log-line', { hasText: 'Run finished' }).first().waitFor({ timeout: 180_000 });
      }
      // IndexedDB is written a batch behind the page.
      let journals = [];
      for (let t = 0; t < 30; t++) {
        journals = await page.evaluate(readAllJournals);
        if (journals.length === n && journals.every((j) => j.some((e) => e.type === 'run-finished'))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const lateness = journals.flatMap((j) => j.filter((e) => e.type === 'ramp-step').map((e) => e.lateness_ms));
      const fired = lateness.length;
      const s = [...lateness].sort((a, b) => a - b);
      const p95 = s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
      results[`engines_${n}`] = { steps: fired, median: median(s), p95, max: s[s.length - 1] };
      row('10 several engines', `${n} engine${n === 1 ? '' : 's'} at once, 61 steps × 250 ms each: steps fired; lateness median / p95 / max`,
        `${fired} of ${61 * n}; ${median(s).toFixed(0)} / ${p95.toFixed(0)} / ${s[s.length - 1].toFixed(0)}`, '', 'steps; ms');
    } finally {
      await context.close();
      await server.stop();
      await sim.stop();
    }
  }
  return results;
}
