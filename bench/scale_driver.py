"""The load of bench/run-scale.sh: editor saves on one instance (one a second) timed to the
moment another instance's search finds them, with the question page and search measured
throughout, in rounds that alternate quiet spells and spells of saves (so that the machine's
drift over the run falls on both alike), and the cores' time each process took in each.
Usage: scale_driver.py SAVE_BASE SEARCH_BASE EMAIL PASSWORD SAVES QUESTIONS [NAME=PID ...]"""
import html.parser, http.cookiejar, json, multiprocessing, os, random, statistics, string, sys, time, urllib.parse, urllib.request

save_base, search_base, email, password, saves, questions = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
# The instances' processes, by name, whose CPU time is reported per phase.
named_pids = dict((n, int(p)) for n, p in (a.split("=", 1) for a in sys.argv[7:]))
PAGE = "/questions/aqa-2024-khrushchev-fall-agriculture"
SEARCH = "/api/v1/search?q=Khrushchev"
IDLE_SECONDS = 30
WARM_UP_SECONDS = 10
# The quiet time and the saves are split over this many rounds, each a quiet spell of
# IDLE_SECONDS / ROUNDS, then SAVES / ROUNDS saves. One 30 s quiet spell before 100 s of saves
# (as the script first did) compared two stretches of minutes apart: on this machine the same
# request's p50 moved by a third between such stretches with nothing else changed.
ROUNDS = 10
# Each quiet spell counts only from this long after the last save's second ended: the merges
# and frees that follow a change belong to the saves, not to the quiet they are compared with.
SETTLE_SECONDS = 1.0
# How often the saver asks the other instance's search for the saved word. Every poll is a
# search of that instance, competing with the load it measures (a search costs it 3-4 ms of a
# core at 100,000 questions): at 10 ms the polls alone took a quarter of a core during saves.
POLL_SECONDS = 0.05


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


jar = http.cookiejar.CookieJar()
editor = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


class Form(html.parser.HTMLParser):
    """The named inputs, selects and textareas of a page's first form."""
    def __init__(self):
        super().__init__()
        self.fields, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and "name" in a:
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name"); self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea": self._textarea = None
        if tag == "select": self._select = None

    def handle_data(self, data):
        if self._textarea: self.fields[self._textarea] += data


def form_of(path):
    with editor.open(save_base + path, timeout=30) as r:
        f = Form(); f.feed(r.read().decode()); return f.fields


def post(path, fields):
    data = urllib.parse.urlencode(fields).encode()
    try:
        with editor.open(urllib.request.Request(save_base + path, data=data), timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def get_json(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return json.loads(r.read())


def p99(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.99 * (len(xs) - 1))))]


def load(base, until, out):
    """Question page and search, one after the other, until `until` is set: (when each request
    started, on the machine's monotonic clock, kind, milliseconds)."""
    while not until.is_set():
        for kind, path in (("page", PAGE), ("search", SEARCH)):
            t0 = time.perf_counter()
            with urllib.request.urlopen(base + path, timeout=30) as r:
                r.read()
            out.append((t0, kind, (time.perf_counter() - t0) * 1000))


def load_process(base, until, results):
    out = []
    load(base, until, out)
    results.put(out)


TICK = os.sysconf("SC_CLK_TCK")


def stat(pid):
    """Process `pid`'s times from /proc: its own user and system seconds (all its threads),
    those of its children that have exited, and its parent's pid; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / TICK
        return own, (int(fields[13]) + int(fields[14])) / TICK, int(fields[1])
    except (OSError, IndexError, ValueError):
        return None


def cpu_seconds(pid):
    """The user and system time process `pid` (all its threads) has taken, in seconds."""
    s = stat(pid)
    return s[0] if s else 0.0


def postgres_cpu():
    """PostgreSQL's processes: each one's CPU seconds by pid, and those of its processes that
    have exited (the postmaster's children's time), so that a backend ending within a spell
    still counts."""
    stats = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/comm") as f:
                    if f.read().strip() not in ("postgres", "postmaster"):
                        continue
            except OSError:
                continue
            s = stat(d)
            if s:
                stats[int(d)] = s
    procs = {pid: own for pid, (own, _, _) in stats.items()}
    exited = sum(children for _pid, (_, children, ppid) in stats.items() if ppid not in stats)
    return procs, exited


def cpu_now(load_pid):
    """CPU seconds so far of each process that shares the machine: the named instances,
    PostgreSQL's processes, this driver (the saver) and the load process."""
    now = {n: cpu_seconds(p) for n, p in named_pids.items()}
    now["postgres"] = postgres_cpu()
    t = os.times()
    now["saver"] = t.user + t.system
    now["load"] = cpu_seconds(load_pid)
    return now


def cpu_spent(before, after):
    """What each took between two `cpu_now`s."""
    spent = {}
    for n, a in after.items():
        if n == "postgres":
            (procs_b, exited_b), (procs_a, exited_a) = before[n], a
            spent[n] = sum(t - procs_b.get(pid, 0.0) for pid, t in procs_a.items()) + exited_a - exited_b
        else:
            spent[n] = max(0.0, a - before[n])
    return spent


def cpu_share(spent, seconds):
    return "   ".join(f"{n} {100 * t / seconds:.0f}%" for n, t in spent.items())


# Sign in on the saving instance.
signin = form_of("/signin")
signin.update(email=email, password=password)
assert post("/signin", signin) in (302, 303), "sign-in failed"

# Questions spread over the library (and so over its topics).
slugs = [f"bench-{(i * 997) % questions:07d}" for i in range(saves)]
visible, save_ms, failures = [], [], 0
saved_at = []  # when each save was sent, on the monotonic clock


RUN = "".join(random.choice(string.ascii_lowercase) for _ in range(6))


def unique_word(i):
    """A word no earlier save (of this run or another on the same library) wrote: letters only,
    so that the analyser keeps it one word."""
    letters = ""
    while True:
        letters = string.ascii_lowercase[i % 26] + letters
        i //= 26
        if i == 0:
            return f"zqx{RUN}{letters}"


def save(i, slug):
    global failures
    started = time.time()
    fields = form_of(f"/editor/questions/{slug}")
    word = unique_word(i)
    fields["plan"] = f"{word.capitalize()} opens the plan.\n\n" + fields.get("plan", "")
    fields["action"] = "save"
    t0 = time.perf_counter()
    status = post(f"/editor/questions/{slug}", fields)
    t1 = time.perf_counter()
    if status not in (302, 303):
        failures += 1
        return
    save_ms.append((t1 - t0) * 1000)
    saved_at.append(t0)
    while get_json(search_base, f"/api/v1/search?q={word}")["total"] < 1:
        if time.perf_counter() - t1 > 30: raise SystemExit(f"{word} not found in 30 s")
        time.sleep(POLL_SECONDS)
    visible.append(time.perf_counter() - t1)
    time.sleep(max(0.0, 1.0 - (time.time() - started)))


# The load runs in a process of its own (so that the saver's parsing never holds up its
# requests) from the warm-up to the end; each spell records its window and the CPU time each
# process took in it.
# Forked, so that the load process starts from this one rather than running this script again.
processes = multiprocessing.get_context("fork")
until, results = processes.Event(), processes.Queue()
loader = processes.Process(target=load_process, args=(search_base, until, results))
loader.start()
# A warm-up, not counted: the first requests after a start fault the index files in.
time.sleep(WARM_UP_SECONDS)
windows = {"idle": [], "saves": []}
spent = {"idle": {}, "saves": {}}


def spell(label, work, settle=0.0):
    time.sleep(settle)
    t0, before = time.perf_counter(), cpu_now(loader.pid)
    work()
    t1, after = time.perf_counter(), cpu_now(loader.pid)
    windows[label].append((t0, t1))
    for n, t in cpu_spent(before, after).items():
        spent[label][n] = spent[label].get(n, 0.0) + t


for r in range(ROUNDS):
    spell("idle", lambda: time.sleep(IDLE_SECONDS / ROUNDS), settle=SETTLE_SECONDS if r else 0.0)
    chunk = list(enumerate(slugs))[r * len(slugs) // ROUNDS:(r + 1) * len(slugs) // ROUNDS]
    spell("saves", lambda: [save(i, slug) for i, slug in chunk])
until.set()
samples = results.get(timeout=120)
loader.join()

for label, name in (("idle", "idle"), ("saves", "during saves")):
    seconds = sum(t1 - t0 for t0, t1 in windows[label])
    print(f"cpu {name:12} ({seconds:.0f} s in {ROUNDS} spells, of a core): {cpu_share(spent[label], seconds)}")
print(f"saves: {len(save_ms)} ({failures} failed)   save p50 {statistics.median(save_ms):.1f} ms   p99 {p99(save_ms):.1f} ms   max {max(save_ms):.1f} ms")
print(f"save → found by the other instance's search: p50 {statistics.median(visible):.2f} s   p99 {p99(visible):.2f} s   max {max(visible):.2f} s")


def within(label, kind):
    return [ms for t, k, ms in samples if k == kind and any(t0 <= t < t1 for t0, t1 in windows[label])]


for kind in ("page", "search"):
    idle, busy = within("idle", kind), within("saves", kind)
    i, b = p99(idle), p99(busy)
    print(f"{kind:6}  idle p50 {statistics.median(idle):6.2f} ms  p99 {i:6.2f} ms ({len(idle)})   during saves p50 {statistics.median(busy):6.2f} ms  p99 {b:6.2f} ms ({len(busy)})   ratio {b / i:.2f}")

# Where the slowest of the question page's requests during saves fall: how long after the
# latest save was sent each started. Were they the machine's noise, the bins would hold shares
# of them in proportion to their widths (the saves come a second apart).
busy = sorted((ms, t) for t, k, ms in samples if k == "page" and any(t0 <= t < t1 for t0, t1 in windows["saves"]))
slowest = [t for ms, t in busy[-max(1, len(busy) // 100):]]
edges = [0.0, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0]
bins = [0] * (len(edges) - 1)
for t in slowest:
    sent = [s for s in saved_at if s <= t]
    if not sent:
        continue  # before the first save (its edit form's request)
    since = t - max(sent)
    for b in range(len(bins)):
        if edges[b] <= since < edges[b + 1] or (b == len(bins) - 1 and since >= edges[b]):
            bins[b] += 1
            break
print("page's slowest 1% during saves, by time since the save was sent: " + "   ".join(
    f"{int(edges[b] * 1000)}-{int(edges[b + 1] * 1000)}{'+' if b == len(bins) - 1 else ''} ms {100 * bins[b] / max(1, sum(bins)):.0f}% (width {100 * (edges[b + 1] - edges[b]):.1f}%)" for b in range(len(bins))))
