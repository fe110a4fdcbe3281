// Drives the practice page in headless Chromium: type, autosave, reload, lose the network,
// reload again, submit, and check that no word was lost. Takes screenshots for a human look.
// Usage: node e2e/practice.mjs BASE_URL EMAIL PASSWORD SLUG OUT_DIR
// (Console errors are expected here: the flow drops the network on purpose. pages.mjs checks
// every page for them.)
import { SIZES, fail, launch, signIn } from "./lib.mjs";

const [base, email, password, slug, out] = process.argv.slice(2);
const browser = await launch();
const context = await browser.newContext(SIZES.phone);
const page = await context.newPage();
page.on("pageerror", (e) => fail("page error: " + e.message));

await signIn(page, base, email, password);

const practice = `${base}/questions/${slug}/practice`;
await page.goto(practice);
const timer = await page.textContent("#timer");
if (!/^4[45]:\d\d$/.test(timer.trim())) fail("timer shows " + timer);
const first = "Stalin and Khrushchev both kept the one-party state. ";
await page.type("#essay", first);
if ((await page.textContent("#words")).trim() !== "8 words") fail("word count " + (await page.textContent("#words")));
await page.screenshot({ path: `${out}/practice-phone.png`, fullPage: false });
// Autosave runs every 5 seconds.
await page.waitForFunction(() => document.getElementById("saved").textContent.startsWith("Draft saved"), null, { timeout: 12000 })
  .catch(async () => fail("autosave: " + (await page.textContent("#saved"))));
const api = await page.evaluate(async (s) => (await fetch(`/api/v1/drafts/${s}`)).json(), slug);
if (api.body !== first) fail("server draft: " + JSON.stringify(api));

// Reload mid-essay: the text is there.
await page.reload();
if ((await page.inputValue("#essay")) !== first) fail("lost on reload");

// The network drops (the server refuses drafts): the browser keeps its copy.
await page.route("**/api/v1/drafts/**", (r) => r.abort());
const second = "Yet Khrushchev released prisoners from the Gulag after 1953.";
await page.focus("#essay");
await page.keyboard.press("Control+End");
await page.keyboard.type(second);
await page.waitForFunction(() => document.getElementById("saved").textContent.startsWith("Offline"), null, { timeout: 12000 });
await page.unroute("**/api/v1/drafts/**");
// Close the tab without the leave-save reaching the server, then come back.
await page.route("**/api/v1/drafts/**", (r) => r.abort());
await page.reload();

await page.unroute("**/api/v1/drafts/**");
const restored = await page.inputValue("#essay");
if (restored !== first + second) fail("not restored from the browser copy: " + JSON.stringify(restored));
if (await page.isHidden("#restored")) fail("no notice of the restored draft");

// Finish the essay, then submit: the report marks sentences and the browser copy is cleared.
await page.focus("#essay");
await page.keyboard.press("Control+End");
await page.keyboard.type(" Stalin became chairman of the State Defence Committee in June 1941 and stayed in Moscow in October 1941, which raised morale." +
  " However, Zhukov and Vasilevsky planned the encirclement at Stalingrad, and the professional commanders won the decisive battles.");
await Promise.all([page.waitForNavigation(), page.click("#essay-form button[type=submit]")]);
if (!page.url().includes("/attempts/")) fail("submit went to " + page.url());
await page.waitForLoadState("load");
const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("studypack:draft:")).length);
if (left !== 0) fail("browser copy kept after submit");
if ((await page.locator("mark").count()) < 1) fail("no sentence marked");
await page.screenshot({ path: `${out}/practice-report-phone.png` });
await page.locator(".marked").screenshot({ path: `${out}/report-marked.png` });
await page.goto(practice);
await page.locator("section[aria-labelledby=attempts]").screenshot({ path: `${out}/attempts-phone.png` });
console.log("ok: typed, autosaved, reloaded, survived a dropped network, submitted, report marked");
await browser.close();
