// Drives the practice page in headless Chromium: type, autosave, reload, lose the network,
// reload again, submit offline and when back online, and check that no word was lost; that
// live regions speak only when the news changes; that the timer speaks at 5 minutes, 1 minute
// and 0 and then shows "time's up"; that the page counts words as the report does; that an
// essay over the limit is stopped before it is cut; that the report's point details are
// reachable by keyboard and touch, and fit a phone. Takes screenshots for a human look.
// Usage: node e2e/practice.mjs BASE_URL EMAIL PASSWORD SLUG OUT_DIR
// (Console errors are expected here: the flow drops the network on purpose. pages.mjs checks
// every page for them.)
import { SIZES, fail, launch, signIn } from "./lib.mjs";

const [base, email, password, slug, out] = process.argv.slice(2);
const browser = await launch();

// Records every change of text inside a live region (aria-live other than "off", or a role
// that is live): what a screen reader would be asked to announce.
const RECORD_ANNOUNCEMENTS = () => {
  window.__announced = [];
  const live = (el) => {
    for (; el && el.nodeType === 1; el = el.parentElement) {
      const a = el.getAttribute("aria-live");
      if (a) return a === "off" ? null : el;
      if (["status", "alert", "log"].includes(el.getAttribute("role"))) return el;
    }
    return null;
  };
  const start = () => new MutationObserver((ms) => {
    for (const m of ms) {
      const region = live(m.target.nodeType === 1 ? m.target : m.target.parentElement);
      if (region && !region.hidden) window.__announced.push({ id: region.id, text: region.textContent.trim() });
    }
  }).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  // From when the page has loaded: what is there on arrival is not an announcement.
  if (document.readyState === "complete") start(); else window.addEventListener("load", start);
};
const announced = (page, id) => page.evaluate((id) => window.__announced.filter((a) => a.id === id), id);

const context = await browser.newContext(SIZES.phone);
await context.addInitScript(RECORD_ANNOUNCEMENTS);
const page = await context.newPage();
page.on("pageerror", (e) => fail("page error: " + e.message));

await signIn(page, base, email, password);

const practice = `${base}/questions/${slug}/practice`;
await page.goto(practice);
const timer = await page.textContent("#timer");
if (!/^4[45]:\d\d$/.test(timer.trim())) fail("timer shows " + timer);
// The essay box has the same 3 px focus ring as everything else.
await page.focus("#essay");
const ring = await page.$eval("#essay", (e) => getComputedStyle(e).outlineWidth + " " + getComputedStyle(e).outlineStyle);
if (ring !== "3px solid") fail("essay focus ring: " + ring);
const first = "Stalin and Khrushchev both kept the one-party state. ";
await page.type("#essay", first);
// The engine reads "one-party" as two words.
if ((await page.textContent("#words")).trim() !== "9 words") fail("word count " + (await page.textContent("#words")));
await page.screenshot({ path: `${out}/practice-phone.png`, fullPage: false });
// Autosave runs every 5 seconds.
await page.waitForFunction(() => document.getElementById("saved").textContent.startsWith("Draft saved"), null, { timeout: 12000 })
  .catch(async () => fail("autosave: " + (await page.textContent("#saved"))));
const api = await page.evaluate(async (s) => (await fetch(`/api/v1/drafts/${s}`)).json(), slug);
if (api.body !== first) fail("server draft: " + JSON.stringify(api));

// Typing for a while (through two autosaves): the word count says nothing, the save status
// speaks once at most (it already said "Draft saved").
await page.keyboard.type("Collectivisation was forced on the peasants and millions died in the famine of 1932 and 1933. ", { delay: 110 });
const typedWords = await announced(page, "words");
const typedSaves = await announced(page, "saved");
if (typedWords.length !== 0) fail(`the word count spoke ${typedWords.length} times while typing`);
if (typedSaves.length > 1) fail(`the save status spoke ${typedSaves.length} times while typing: ` + JSON.stringify(typedSaves));
console.log(`ok: while typing for ~11 s, ${typedWords.length} word-count and ${typedSaves.length} save-status announcements`);
const sofar = await page.inputValue("#essay");

// Reload mid-essay: the text is there.
await page.waitForFunction((t) => document.getElementById("saved").textContent.startsWith("Draft saved") && window.__announced !== undefined, sofar, { timeout: 12000 });
await page.waitForTimeout(5500);
await page.reload();
if ((await page.inputValue("#essay")) !== sofar) fail("lost on reload");

// The network drops (the server refuses drafts): the browser keeps its copy, and says so once.
await page.route("**/api/v1/drafts/**", (r) => r.abort());
const second = "Yet Khrushchev released prisoners from the Gulag after 1953.";
await page.focus("#essay");
await page.keyboard.press("Control+End");
await page.keyboard.type(second);
await page.waitForFunction(() => document.getElementById("saved").textContent.startsWith("Not saved online"), null, { timeout: 12000 });
await page.waitForTimeout(5500);
const dropped = await announced(page, "saved");
if (dropped.length !== 1) fail("the failed save should be said once: " + JSON.stringify(dropped));
await page.unroute("**/api/v1/drafts/**");
// Close the tab without the leave-save reaching the server, then come back.
await page.route("**/api/v1/drafts/**", (r) => r.abort());
await page.reload();

await page.unroute("**/api/v1/drafts/**");
const restored = await page.inputValue("#essay");
if (restored !== sofar + second) fail("not restored from the browser copy: " + JSON.stringify(restored));
if (await page.isHidden("#restored")) fail("no notice of the restored draft");

// The page counts words as the engine does: the same texts through the page's counter and
// the feedback API.
const TRICKY = [
  "The one-party state — and Stalin's cult — lasted 1928–1953.",
  "Khrushchev’s ‘Secret Speech’ (25 Feb 1956) denounced the cult; 1,500 delegates heard it.",
  "See https://example.org/soviet-history?page=2 and e-mail k.marx@example.com for the U.S.S.R.'s archive.",
  "Don't, won't, rock 'n' roll, the '30s, o'clock; 3.5% and 20,000,000 — twenty million.",
  "De\u00adStalinisation\u200b began; Zhukov\u2060’s role; naïve café-goers; 第二次世界大战; ПВО-forces.",
  "  \n\n- Bullet one\n- Bullet two\n\n## Heading 2\n\n1. First\t2. Second…  ",
];
const csrf = await page.$eval("#practice", (e) => e.dataset.csrf);
for (const text of TRICKY) {
  const { mine, engine } = await page.evaluate(async ([text, csrf]) => {
    const r = await fetch("/api/v1/feedback", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ scheme: "Arguments supporting the view\n- Stalin\n\nArguments challenging the view\n- Khrushchev", text }),
    });
    return { mine: wordCount(text), engine: (await r.json()).words };
  }, [text, csrf]);
  if (mine !== engine) fail(`word count: page ${mine}, engine ${engine} for ${JSON.stringify(text)}`);
}
console.log(`ok: the page and the engine count the same words in ${TRICKY.length} tricky texts`);

// An essay over the limit is stopped before it is sent, with the limit stated, nothing cut.
const huge = "Stalin ruled through terror and the Party. ".repeat(2700) + "Khrushchev";
await page.fill("#essay", huge);
await page.waitForSelector("#too-long:not([hidden])");
const said = await page.textContent("#too-long");
if (!said.includes("The limit is 100 kB (about 15,000 words)")) fail("too long: " + said);
await page.click("#essay-form button[type=submit]");
await page.waitForTimeout(300);
if (page.url() !== practice) fail("a too-long essay was sent: " + page.url());
if ((await page.inputValue("#essay")) !== huge) fail("the too-long essay was cut");
await page.fill("#essay", restored);
if (await page.isVisible("#too-long")) fail("the limit message stays after shortening");

// Finish the essay with tricky words, then submit without a connection: the essay stays,
// the page says it will be sent, and it is sent when the connection is back.
await page.focus("#essay");
await page.keyboard.press("Control+End");
await page.keyboard.type(" Stalin became chairman of the State Defence Committee in June 1941 and stayed in Moscow in October 1941, which raised morale." +
  " However, Zhukov and Vasilevsky planned the encirclement at Stalingrad — Operation Uranus, 19–23 November 1942 — and the professional commanders won the decisive battles.\n\n" +
  "In conclusion, Stalin's leadership mattered, but the Red Army's generals and the U.S.S.R.'s factories (see https://example.org/1942) mattered more.");
const pageCount = Number((await page.textContent("#words")).trim().split(" ")[0]);
const essayText = await page.inputValue("#essay");
await context.setOffline(true);
await page.click("#essay-form button[type=submit]");
await page.waitForSelector("#offline:not([hidden])", { timeout: 5000 }).catch(() => fail("no offline notice after submitting offline"));
const notice = await page.textContent("#offline");
if (!notice.includes("will be sent when the connection is back")) fail("offline notice: " + notice);
if (page.url() !== practice) fail("offline submit left the page: " + page.url());
if ((await page.inputValue("#essay")) !== essayText) fail("the essay changed on an offline submit");
await page.screenshot({ path: `${out}/practice-offline-phone.png` });
await Promise.all([page.waitForURL(/\/attempts\//, { timeout: 15000 }), context.setOffline(false)])
  .catch(() => fail("not sent when the connection came back: " + page.url()));
await page.waitForLoadState("load");
console.log("ok: submitted offline, the essay stayed and was sent when the connection came back");

// The report: the browser copy is cleared, sentences are marked, the count is the page's.
const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("studypack:draft:")).length);
if (left !== 0) fail("browser copy kept after submit");
if ((await page.locator("mark").count()) < 1) fail("no sentence marked");
const reportCount = Number((await page.textContent("#report-words")).trim().split(" ")[0]);
if (reportCount !== pageCount) fail(`word count: the page said ${pageCount}, the report ${reportCount}`);
console.log(`ok: the page and the report both count ${pageCount} words`);
// Nothing runs off the side of a phone.
const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
if (overflow > 0) fail(`the report is ${overflow} px wider than the phone`);
// A point's details by keyboard: tab to the first label in the essay, press Enter, and the
// point is shown (its list is open and it is the target).
await page.locator("#essay").scrollIntoViewIfNeeded();
await page.focus("h2#essay");
await page.evaluate(() => { const h = document.getElementById("essay"); h.tabIndex = -1; h.focus(); });
let tabs = 0;
while (!(await page.evaluate(() => document.activeElement?.matches(".marked a.tag")))) {
  if (++tabs > 40) fail("no point label reached by Tab");
  await page.keyboard.press("Tab");
}
const label = await page.evaluate(() => document.activeElement.getAttribute("href"));
await page.keyboard.press("Enter");
await page.waitForFunction((h) => location.hash === h, label);
const target = page.locator(label);
if (!(await target.isVisible())) fail("the point " + label + " is not shown after Enter");
const spoken = await page.evaluate((h) => document.querySelector(`.marked a.tag[href="${h}"] .visually-hidden`).textContent, label);
const pointText = (await target.textContent()).trim();
if (!spoken.includes(pointText.replace(/^\S+\s+/, "").slice(0, 30))) fail(`label ${label} says ${spoken}, the point is ${pointText}`);
// And by touch.
const tags = page.locator(".marked a.tag");
if ((await tags.count()) > 1) {
  const other = await tags.nth(1).getAttribute("href");
  await tags.nth(1).tap();
  await page.waitForFunction((h) => location.hash === h, other);
  if (!(await page.locator(other).isVisible())) fail("the point " + other + " is not shown after a tap");
}
console.log(`ok: point details reached by keyboard (${tabs} Tab presses) and by touch`);
await page.goto(page.url().split("#")[0]);
await page.screenshot({ path: `${out}/practice-report-phone.png` });
await page.screenshot({ path: `${out}/practice-report-phone-full.png`, fullPage: true });
await page.locator(".marked").screenshot({ path: `${out}/report-marked.png` });
await page.goto(practice);
await page.locator("section[aria-labelledby=attempts]").screenshot({ path: `${out}/attempts-phone.png` });
await context.close();

// The timer, on a clock we move: it speaks at 5 minutes, 1 minute and 0, never in between,
// and shows "time's up" when the time has run out.
{
  const ctx = await browser.newContext(SIZES.desktop);
  await ctx.addInitScript(RECORD_ANNOUNCEMENTS);
  await ctx.clock.install({ time: new Date("2026-06-01T09:00:00Z") });
  const p = await ctx.newPage();
  p.on("pageerror", (e) => fail("page error: " + e.message));
  await p.goto(practice);
  await p.waitForLoadState("load");
  if (!(await p.isHidden("#timesup"))) fail("time's up shown at the start");
  const minutes = Number(await p.$eval("#practice", (e) => e.dataset.minutes));
  const notes = async () => (await announced(p, "timer-note")).map((a) => a.text);
  await p.clock.runFor((minutes * 60 - 310) * 1000);
  if ((await notes()).length !== 0) fail("the timer spoke early: " + (await notes()));
  await p.clock.runFor(20 * 1000);
  if ((await notes()).join("|") !== "5 minutes left.") fail("at 5 minutes: " + (await notes()));
  await p.clock.runFor(4 * 60 * 1000);
  if ((await notes()).join("|") !== "5 minutes left.|1 minute left.") fail("at 1 minute: " + (await notes()));
  await p.clock.runFor(3 * 60 * 1000);
  const all = await notes();
  if (all.length !== 3 || !all[2].startsWith("Time's up")) fail("at 0: " + all);
  if (!(await p.isVisible("#timesup"))) fail("no visible time's up message");
  const shown = (await p.textContent("#timesup")).trim();
  if (shown !== "Time's up — you can finish your sentence and submit.") fail("time's up says " + shown);
  if ((await p.getAttribute("#timer", "aria-live")) !== "off") fail("the timer became a live region");
  const words = await announced(p, "words");
  if (words.length) fail("the word count spoke: " + JSON.stringify(words));
  await p.screenshot({ path: `${out}/practice-timesup-desktop.png` });
  console.log(`ok: over ${minutes + 2} minutes the timer spoke ${all.length} times (${all.join(" / ")}) and showed time's up`);
  await ctx.close();
}
// A submitted essay is final: a second tab still open on the same sitting stops saving and
// says so; practising again starts blank with a new clock and the offer of the last essay.
{
  const ctx = await browser.newContext(SIZES.desktop);
  const a = await ctx.newPage();
  await signIn(a, base, email, password);
  await a.goto(practice);
  await a.fill("#essay", "A sitting that another tab will submit.");
  await a.waitForFunction(() => document.getElementById("saved").textContent.startsWith("Draft saved"), null, { timeout: 12000 })
    .catch(async () => fail("second flow autosave: " + (await a.textContent("#saved"))));
  const b = await ctx.newPage();
  await b.goto(practice);
  await Promise.all([b.waitForNavigation(), b.click("#essay-form button[type=submit]")]);
  if (!b.url().includes("/attempts/")) fail("the second tab did not submit: " + b.url());
  await a.type("#essay", " More words after it was submitted.");
  await a.waitForSelector("#submitted:not([hidden])", { timeout: 12000 })
    .catch(() => fail("the first tab did not say the essay was submitted"));
  const said = (await a.textContent("#submitted")).trim();
  if (!said.startsWith("This essay has been submitted")) fail("submitted note says " + said);
  await b.goto(practice);
  if ((await b.inputValue("#essay")) !== "") fail("practising again did not start blank");
  if (!(await b.isVisible("#new-attempt"))) fail("no offer to start from the last essay");
  await b.click("#new-attempt a");
  if (!(await b.inputValue("#essay")).startsWith("A sitting that another tab will submit.")) fail("start from my last essay did not fill the box");
  console.log("ok: a submitted essay is final (the other tab stopped saving and said so); practise again starts blank or from the last essay");
  await ctx.close();
}
console.log("ok: typed, autosaved, reloaded, survived a dropped network, submitted offline, report marked");
await browser.close();
