// "Never leave capacity running" (issue 11): what the page still knows when the browser
// gets in the way, and what it shows after a run.
//  * A full localStorage (filled to its last character by the test, under a key that is
//    not the app's): a reload mid-run must still offer "Scale this domain to 0".
//  * After the run ends the live view keeps looking until the domain is at the final
//    capacity: "0 running — nothing left", or "N running, as asked".
// Every test ends by checking the SIMULATOR'S OWN state: desired capacity and VMs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser, openRunPage, runButton, waitForLine, waitForDomain, liveVms, fillLocalStorage, logText, waitForText,
} from './harness.mjs';

const AK = 'PDEE2ERECOVERYKEY';
const SECRET = 'e2e-recovery-secret/with+odd=chars';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('with localStorage full, a reload mid-run still offers "Scale this domain to 0", and it ends at 0', { timeout: 90_000 }, async () => {
  const { sim, page, close } = await openRunPage(browser, {
    accessKey: AK, secret: SECRET, ramp: { start: 1, increment: 1, interval: 2, peak: 4, hold: 10 },
  });
  try {
    // The settings are saved as they were typed; then someone else's data fills the rest.
    const filled = await fillLocalStorage(page);
    console.log(`# localStorage filled: ${filled.chars} characters under ${filled.key}, ${filled.totalChars} in all; one more fits: ${filled.oneMoreFits}`);
    assert.equal(filled.oneMoreFits, false, 'localStorage is not full');
    await runButton(page).click();
    await waitForDomain(sim, { capacity: 2, timeout: 20_000, vms: false });
    await page.reload();
    await page.getByRole('heading', { name: 'Phantom Decision Engine' }).waitFor({ timeout: 15_000 });
    const offer = page.getByRole('button', { name: 'Scale this domain to 0' });
    await offer.waitFor({ timeout: 15_000 }).catch(async () => {
      const status = await page.locator('.run-status').innerText().catch(() => '');
      const keys = await page.evaluate(() => Object.keys(localStorage));
      assert.fail(`no "Scale this domain to 0" after the reload; status ${JSON.stringify(status)}; localStorage keys ${JSON.stringify(keys)}`);
    });
    assert.match(await page.locator('.interrupted').innerText(), /my_domain/);
    await page.getByLabel('Secret access key').fill(SECRET);
    await offer.click();
    await offer.waitFor({ state: 'detached', timeout: 30_000 });
    const d = await waitForDomain(sim, { capacity: 0, timeout: 15_000 });
    assert.deepEqual(liveVms(d), []);
    // The endpoint may show 0 before the page has drawn the answer (at the next frame).
    await waitForText(page.locator('.step-log'), /SetDesiredCapacity\s+my_domain → 0\s+ok/, { timeout: 10_000, what: 'the step log' });
  } finally {
    await close();
  }
});

for (const [finalCapacity, expected] of [[0, /0 running — nothing left/], [1, /1 running, as asked/]]) {
  test(`after a completed run with final capacity ${finalCapacity}, the live view keeps looking until it shows "${expected.source}"`, { timeout: 60_000 }, async () => {
    const { sim, page, close } = await openRunPage(browser, {
      accessKey: AK, secret: SECRET, ramp: { start: 1, increment: 1, interval: 1, peak: 2, hold: 1, finalCapacity },
    });
    try {
      await runButton(page).click();
      await waitForLine(page, 'Run finished', 30_000);
      assert.match(await logText(page), /Run finished\s+completed/);
      const finishedAt = Date.now();
      // The VMs take a moment to terminate (or boot); the view converges by itself.
      await waitForText(page.locator('section.domain-view'), expected, { timeout: 20_000, what: 'the live view' });
      console.log(`# final ${finalCapacity}: "${expected.source}" ${Date.now() - finishedAt} ms after Run finished`);
      const d = await waitForDomain(sim, { capacity: finalCapacity, timeout: 10_000 });
      assert.equal(liveVms(d).length, finalCapacity);
      if (finalCapacity > 0) assert.ok(liveVms(d).every((i) => i.state === '600-RUNNING'), JSON.stringify(d.instances));
    } finally {
      await close();
    }
  });
}
