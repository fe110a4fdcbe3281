// A teacher and a student through the whole loop in Chromium: an admin makes the teacher;
// the teacher makes a class; the student joins with its code, opens the work, writes and
// submits it; the teacher marks it in the queue and releases it; the student reads the
// teacher's mark. axe-core runs on every page of the walk (no serious or critical violation).
// Usage: node e2e/teachers.mjs BASE_URL PASSWORD ADMIN TEACHER SLUG OUT_DIR
import { SIZES, axe, fail, launch, signIn } from "./lib.mjs";

const [base, password, admin, teacher, slug, out] = process.argv.slice(2);
const browser = await launch();
let pages = 0;
async function checked(page, name) {
  pages++;
  const bad = (await axe(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length) fail(`${name}: axe ` + bad.map((v) => `${v.impact} ${v.id}: ${v.nodes.join("; ")}`).join("\n"));
}
const click = (page, selector) => Promise.all([page.waitForNavigation(), page.click(selector)]);

// The admin makes the account a teacher's.
const adminCtx = await browser.newContext(SIZES.desktop);
const a = await adminCtx.newPage();
await signIn(a, base, admin, password);
await a.goto(`${base}/admin`);
await a.fill("#teacher-email", teacher);
await click(a, "form[action='/admin/teachers'] button[value=grant]");
if (!(await a.textContent("main")).includes(`${teacher} is a teacher`)) fail("admin: teacher not made");
await adminCtx.close();

// The teacher makes a class (on a desktop).
const tCtx = await browser.newContext(SIZES.desktop);
const t = await tCtx.newPage();
await signIn(t, base, teacher, password);
await t.goto(`${base}/classes`);
await checked(t, "classes (teacher)");
await t.fill("#class-name", "12B History");
await click(t, "form[action='/classes'] button[type=submit]");
const classUrl = t.url().split("?")[0];
await checked(t, "class page");
const code = (await t.textContent("main p strong code")).trim();
if (!/^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(code)) fail("class code " + code);

// The student signs up and joins (on a phone).
const sCtx = await browser.newContext(SIZES.phone);
const s = await sCtx.newPage();
await s.goto(`${base}/signup`);
await s.fill("#email", "pupil@example.com");
await s.fill("#password", password);
await click(s, "form.stack button[type=submit]");
await s.goto(`${base}/classes`);
await s.fill("#class-code", code.toLowerCase());
await click(s, "form[action='/classes/join'] button[type=submit]");
if (!(await s.textContent("main")).includes("12B History")) fail("student did not join");
await checked(s, "classes (student)");

// The teacher sets the work, untimed, one submission.
await t.goto(classUrl);
await t.fill("#work-question", `${base}/questions/${slug}`);
await t.uncheck("input[name=timed]");
await click(t, "form[action$='/assignments'] button[type=submit]");
if (!(await t.textContent("main")).includes("Work set")) fail("work not set: " + (await t.textContent("main")));

// The student opens it, writes and submits.
await s.goto(`${base}/classes`);
const status = (await s.textContent("main")).includes("not started");
if (!status) fail("the work is not listed as not started");
await click(s, "a[href^='/assignments/']");
await checked(s, "practice for set work");
if (await s.isVisible("#timer")) fail("untimed work shows a timer");
if (!(await s.textContent("#set-work")).includes("12B History")) fail("the practice page does not say it is set work");
await s.fill("#essay", [
  "Stalin's leadership mattered to the Soviet victory between 1941 and 1945, but it was not the main reason for it.",
  "Stalin chaired the State Defence Committee from June 1941 and stayed in Moscow in October 1941, which raised morale.",
  "However, Zhukov and Vasilevsky planned the encirclement at Stalingrad, and Soviet industry moved east and outproduced Germany in tanks.",
  "In conclusion, the view is only partly valid: Stalin's leadership mattered, but victory owed more to his generals and to Soviet industry.",
].join("\n\n"));
await click(s, "#essay-form button[type=submit]");
const attemptUrl = s.url();
if (!attemptUrl.includes("/attempts/")) fail("submission went to " + attemptUrl);
if ((await s.textContent("main")).includes("Your teacher's mark")) fail("a mark is shown before it is released");

// The teacher marks it in the queue and releases it.
await t.goto(classUrl);
await click(t, "main table a[href^='/work/']");
await checked(t, "marking queue");
await click(t, "main table a[href*='/submissions/']");
await checked(t, "submission");
// A comment on the second sentence, then the points: untick the first the machine ticked.
await t.fill("#sentence", "2");
await t.fill("#sentence-comment", "Good detail: say why staying in Moscow mattered.");
await click(t, "form[action$='/comments'] button[type=submit]");
const note = await t.textContent("#s2 + .teacher-note");
if (!note || !note.includes("staying in Moscow")) fail("the comment is not after sentence 2: " + note);
await checked(t, "submission with a comment");
await t.screenshot({ path: `${out}/teacher-marking.png`, fullPage: true });
const ticked = await t.$$(".points-ticks input[type=checkbox]:checked");
if (ticked.length === 0) fail("no point is ticked from the machine's reading");
await ticked[0].uncheck();
await t.selectOption("#level", "4");
await t.fill("#mark", "17");
await t.fill("#comment", "A clear judgement. Now weigh the differences in method more closely.");
await click(t, "button[value=release]");
if (!(await t.textContent("main")).includes("The student can read it")) fail("not released: " + (await t.textContent("main")));

// Class insight: the points by student, the levels, the most missed; then levels over time.
await t.goto(t.url().replace(/\/submissions\/.*$/, "/insight"));
if (!(await t.textContent("main")).includes("Points by student")) fail("no insight table: " + (await t.textContent("main")));
await checked(t, "class insight");
await t.screenshot({ path: `${out}/class-insight.png`, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1400 } });
await t.goto(classUrl + "/insight");
if (!(await t.textContent("main")).includes("Levels over time")) fail("no levels over time");
await checked(t, "levels over time");
await t.goto(`${base}/own-questions`);
await checked(t, "own questions");

// The student reads the teacher's mark above the machine's report.
await s.goto(attemptUrl);
const mark = await s.textContent("#teacher-h");
if (!mark.includes("Level 4, 17 marks")) fail("student sees " + mark);
const placed = await s.textContent(".marked .teacher-note");
if (!placed || !placed.includes("staying in Moscow")) fail("the student does not see the comment in the essay: " + placed);
if (!(await s.textContent(".teacher-mark")).includes(`counts ${ticked.length - 1} of`)) fail("the teacher's points are not shown: " + (await s.textContent(".teacher-mark")));
await checked(s, "report with the teacher's mark");
await s.screenshot({ path: `${out}/teacher-mark-phone.png` });
await s.goto(`${base}/classes`);
if (!(await s.textContent("main")).includes("returned")) fail("the work is not shown as returned");
await browser.close();
console.log(`ok: teacher and student walked class → join → set work → write → submit → mark → release → read (${pages} pages with axe, 0 serious/critical)`);
