// Shared by the browser checks: Debian's Chromium through playwright-core, axe-core injected
// into each page, and a watch on console errors and failed requests.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
// Evaluated through the DevTools protocol, so the pages' Content-Security-Policy (which the
// checks keep: a blocked resource is a console error) does not stop it.
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const SIZES = {
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
};

export const fail = (m) => { console.error("FAIL: " + m); process.exit(1); };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// A page whose problems (console errors, page errors, failed or 4xx/5xx requests) are
// collected; `expect(status)` allows one such response for the next navigation (a 404 page).
export function watch(page) {
  const problems = [];
  let allowed = null;
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const loc = m.location()?.url || "";
    if (allowed && loc === allowed.url && m.text().includes(`status of ${allowed.status}`)) return;
    problems.push(`console error: ${m.text()} (${loc})`);
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() < 400) return;
    if (allowed && r.url() === allowed.url && r.status() === allowed.status) return;
    problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return {
    problems,
    allow(url, status) { allowed = url ? { url, status } : null; },
    take() { return problems.splice(0, problems.length); },
  };
}

// Runs axe on the page; returns its violations as { id, impact, nodes, help }.
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) {
    await page.evaluate(AXE);
  }
  const results = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" ") + (n.failureSummary ? " — " + n.failureSummary.split("\n").slice(1).join("; ") : "")),
    }));
  });
  return results;
}

export async function signIn(page, base, email, password) {
  await page.goto(`${base}/signin`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("form.stack button[type=submit]")]);
  if (!page.url().endsWith("/account")) fail("sign-in went to " + page.url() + ": " + (await page.textContent("main")));
}
