// Bench section 9: the dry run in the release page (issue 13: "one simulated hour in
// under a second"). Each case picks a policy, clicks Simulate five times and reads the
// page's own time for the simulation from its summary ("… in N ms"), beside the time
// from the click until the summary is shown (rendering the chart and every decision).
const CASES = [
  { what: 'follow a metric, 1 h at 1 s ticks (3,600 decisions)', shape: 'Follow a metric', every: 1 },
  { what: 'follow a metric, 1 h at 5 s ticks (720 decisions)', shape: 'Follow a metric', every: 5 },
  { what: 'custom policy (sandbox worker), 1 h at 5 s ticks (720 decisions)', shape: 'Custom policy', every: 5 },
  { what: 'custom policy (sandbox worker), 1 h at 1 s ticks (3,600 decisions)', shape: 'Custom policy', every: 1 },
];

export async function benchSimulate({ browser, serverUrl, row, median }) {
  const out = [];
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(serverUrl);
  await page.getByLabel('Phantom URL').waitFor({ state: 'visible' });
  const field = (label) => page.getByLabel(label, { exact: true });
  const summary = page.locator('#simulation .sim-summary');
  try {
    for (const c of CASES) {
      await field('Shape').selectOption({ label: c.shape });
      if (c.shape === 'Custom policy') {
        await page.locator('#policy-template').selectOption({ label: 'Follow a queue length' });
        await page.getByRole('button', { name: 'Use template' }).click();
      }
      await field('Decide every (seconds)').fill(String(c.every));
      await field('Run for (seconds)').fill('3600');
      await field('Metric trace').selectOption({ label: 'Sine wave' });
      const inPage = [];
      const shown = [];
      for (let i = 0; i < 5; i++) {
        // Done is: the button was disabled while the run was pending (a mutation record
        // says so, however briefly) and is enabled again with a summary shown. Two runs'
        // summaries can be identical, time included, so comparing texts can wait forever.
        await page.evaluate(() => {
          const button = [...document.querySelectorAll('#simulation button')].find((b) => b.textContent.trim() === 'Simulate');
          window.__pdeSimPending = false;
          window.__pdeSimWatch?.disconnect();
          window.__pdeSimWatch = new MutationObserver((records) => {
            if (records.some((r) => r.oldValue === null)) window.__pdeSimPending = true;
          });
          window.__pdeSimWatch.observe(button, { attributes: true, attributeFilter: ['disabled'], attributeOldValue: true });
        });
        const t0 = performance.now();
        await page.getByRole('button', { name: 'Simulate', exact: true }).click();
        await page.waitForFunction(() => {
          const button = [...document.querySelectorAll('#simulation button')].find((b) => b.textContent.trim() === 'Simulate');
          const s = document.querySelector('#simulation .sim-summary')?.textContent || '';
          return window.__pdeSimPending && !button.disabled && s && !s.includes('Simulating');
        }, null, { timeout: 60_000, polling: 'raf' });
        shown.push(performance.now() - t0);
        const text = await summary.innerText();
        inPage.push(Number(/ in ([\d.]+) ms/.exec(text)?.[1]));
      }
      const result = { what: c.what, simulate_ms_median: median(inPage), shown_ms_median: median(shown), simulate_ms: inPage, shown_ms: shown };
      out.push(result);
      row('9 dry run', `Simulate: ${c.what}: the simulation / click → shown, median of 5`,
        `${result.simulate_ms_median.toFixed(1)} / ${result.shown_ms_median.toFixed(0)}`, '', 'ms');
    }
  } finally {
    await context.close();
  }
  return out;
}
