// Visits every main page at phone and desktop size, as a visitor, a student, an editor and an
// admin; runs axe-core on each and fails on any serious or critical violation, any console
// error and any failed request. Saves screenshots of the report page.
// Usage: node e2e/pages.mjs BASE_URL PASSWORD STUDENT EDITOR ADMIN SLUG TOPIC OUT_DIR
import { writeFileSync } from "node:fs";
import { SIZES, axe, launch, signIn, watch } from "./lib.mjs";

const [base, password, student, editor, admin, slug, topic, out] = process.argv.slice(2);
const ESSAY = [
  "Stalin's leadership mattered to the Soviet victory, but this essay argues that it was not the main reason for it.",
  "Stalin was chairman of the State Defence Committee from June 1941 and stayed in Moscow in October 1941, which raised morale. " +
  "However, Zhukov and Vasilevsky planned the encirclement at Stalingrad, and the professional commanders won the decisive battles.",
  "In conclusion, Stalin's leadership mattered, but victory owed more to his generals and to Soviet industry.",
].join("\n\n");

const failures = [];
const minor = new Map(); // rule id → { impact, nodes }
let pages = 0;
let checks = 0;
const check = (ok, what) => { if (ok) checks++; else failures.push(what); };

// One visit: the page is loaded (by `go`), then checked.
async function visit(page, w, size, name, go, expectStatus = 200) {
  const res = await go();
  await page.waitForLoadState("load");
  pages++;
  const where = `${name} (${size}, ${page.url().replace(base, "")})`;
  check(res === null || res.status() === expectStatus, `${where}: HTTP ${res && res.status()}, expected ${expectStatus}`);
  check((await page.locator("main h1").count()) === 1, `${where}: no single <h1> in <main>`);
  const violations = await axe(page);
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `${where}: axe\n` + bad.map((v) => `  ${v.impact} ${v.id}: ${v.help}\n    ` + v.nodes.join("\n    ")).join("\n"));
  for (const v of violations.filter((v) => !bad.includes(v))) {
    const m = minor.get(v.id) || { impact: v.impact, count: 0, nodes: 0, pages: new Set() };
    m.count++;
    m.nodes += v.nodes.length;
    m.pages.add(name);
    minor.set(v.id, m);
  }
  // Let late requests (scripts, autosave) finish before judging the page.
  await page.waitForTimeout(50);
  const problems = w.take();
  check(problems.length === 0, `${where}: ` + problems.join("; "));
  w.allow(null);
  return where;
}

const browser = await launch();
for (const [size, device] of Object.entries(SIZES)) {
  const session = async (email) => {
    const context = await browser.newContext(device);
    const page = await context.newPage();
    const w = watch(page);
    if (email) { await signIn(page, base, email, password); w.take(); }
    const at = (name, path, status) => visit(page, w, size, name, () => page.goto(base + path), status);
    return { context, page, w, at };
  };

  // A visitor.
  {
    const { context, page, w, at } = await session(null);
    await at("home", "/");
    await at("browse", "/questions");
    await at("topic", `/topics/${topic}`);
    await at("question", `/questions/${slug}`);
    // The Study Pack badge stays on one line, at every size.
    for (const box of await page.locator(".badge").evaluateAll((els) => els.map((e) => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).fontSize)]))) {
      check(box[0] < box[1] * 2, `question (${size}): a badge wraps (${box[0]} px high at ${box[1]} px text)`);
    }
    await at("search with results", "/search?q=Khrushchev");
    check((await page.locator("main li a[href^='/questions/']").count()) > 0, `search (${size}): no results for Khrushchev`);
    if (size === "phone") {
      // On a phone the first result is above the filters, which follow the results.
      const first = await page.locator("ol.results > li").first().boundingBox();
      const filters = await page.locator("[aria-label='Refine results']").first().boundingBox();
      check(first !== null && filters !== null && first.y + first.height <= filters.y, `search (phone): the first result (${JSON.stringify(first)}) is not above the filters (${JSON.stringify(filters)})`);
    }
    await at("search without results", "/search?q=zzqxjv");
    check((await page.locator("main li a[href^='/questions/']").count()) === 0, `search (${size}): results for nonsense`);
    await at("sign-in", "/signin");
    await at("sign-up", "/signup");
    w.allow(`${base}/no-such-page`, 404);
    await at("not found", "/no-such-page", 404);
    await context.close();
  }

  // A student: practice, a report, the account and redeem pages.
  {
    const { context, page, w, at } = await session(student);
    await at("practice", `/questions/${slug}/practice`);
    await page.fill("#essay", ESSAY);
    await visit(page, w, size, "report", async () => {
      const [res] = await Promise.all([page.waitForNavigation(), page.click("#essay-form button[type=submit]")]);
      return res;
    });
    check(page.url().includes("/attempts/"), `report (${size}): submit went to ${page.url()}`);
    check((await page.locator("mark").count()) > 0, `report (${size}): no sentence marked`);
    // run.sh stores a calibration for this question: the report says so, in words.
    const calibrated = (await page.locator("p.calibrated").textContent()) || "";
    check(/Marked to your teachers' standard \(calibration version 1\)/.test(calibrated), `report (${size}): no calibrated mark: ${calibrated}`);
    // The phone's first screen; on a desktop, down to the marked essay.
    await page.screenshot({ path: `${out}/report-${size}.png`, ...(size === "desktop" ? { fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1400 } } : {}) });
    await at("practice with attempts", `/questions/${slug}/practice`);
    await at("account", "/account");
    await at("redeem", "/redeem");
    await at("classes", "/classes");
    await context.close();
  }

  // An editor.
  {
    const { context, page, w, at } = await session(editor);
    await at("editor index", "/editor");
    await at("editor edit", `/editor/questions/${slug}`);
    await at("editor revisions", `/editor/questions/${slug}/revisions`);
    // Restore asks first: the link opens a confirmation page, which changes nothing.
    await visit(page, w, size, "restore confirmation", async () => {
      const [res] = await Promise.all([page.waitForNavigation(), page.locator("a[href*='/restore?revision=']").first().click()]);
      return res;
    });
    check((await page.locator("main h1").innerText()).startsWith("Restore revision"), `restore (${size}): no confirmation page`);
    check((await page.locator("main form button[type=submit]").count()) === 1, `restore (${size}): no confirm button`);
    await context.close();
  }

  // An admin.
  {
    const { context, page, w, at } = await session(admin);
    await at("admin", "/admin");
    // Licence codes are made on the page and shown once, then listed.
    await page.selectOption("#code-pack", "all");
    await page.fill("#count", "2");
    await visit(page, w, size, "admin codes made", async () => {
      const [res] = await Promise.all([page.waitForNavigation(), page.click("form[action='/admin/codes'] button[type=submit]")]);
      return res;
    });
    const made = (await page.locator("#codes-made").inputValue()).split("\n");
    check(made.length === 2 && made.every((c) => /^[A-Z0-9]{5}(-[A-Z0-9]{5}){3}$/.test(c)), `admin (${size}): codes shown ${JSON.stringify(made)}`);
    check((await page.locator("td", { hasText: "not redeemed" }).count()) >= 2, `admin (${size}): new codes not listed`);
    await context.close();
  }
}
await browser.close();

const rules = [...minor.entries()].sort((a, b) => b[1].count - a[1].count);
for (const [id, m] of rules) console.log(`axe ${m.impact} ${id}: ${m.count} page visit(s), ${m.nodes} element(s): ${[...m.pages].join(", ")}`);
const minorCount = rules.reduce((n, [, m]) => n + m.count, 0);
const serious = failures.filter((f) => f.includes(": axe\n")).length;
writeFileSync(`${out}/axe-minor.json`, JSON.stringify(Object.fromEntries(rules.map(([id, m]) => [id, { ...m, pages: [...m.pages] }])), null, 2));
if (failures.length) {
  for (const f of failures) console.error("FAIL: " + f);
  console.error(`browser: ${pages} pages, ${checks} checks passed, ${failures.length} failed (${serious} with serious/critical axe violations)`);
  process.exit(1);
}
console.log(`browser: ${pages} pages (${pages / 2} × phone, desktop), ${checks} checks passed, axe: 0 serious/critical, ${minorCount} minor/moderate`);
