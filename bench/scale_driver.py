"""The load of bench/run-scale.sh: idle latencies, then editor saves on one instance (one a
second) timed to the moment another instance's search finds them, with the question page and
search measured throughout. Usage: scale_driver.py SAVE_BASE SEARCH_BASE EMAIL PASSWORD SAVES QUESTIONS"""
import html.parser, http.cookiejar, json, multiprocessing, random, statistics, string, sys, threading, time, urllib.parse, urllib.request

save_base, search_base, email, password, saves, questions = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
PAGE = "/questions/aqa-2024-khrushchev-fall-agriculture"
SEARCH = "/api/v1/search?q=Khrushchev"
IDLE_SECONDS = 30
WARM_UP_SECONDS = 10
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
    """Question page and search, one after the other, until `until` is set."""
    while not until.is_set():
        for kind, path in (("page", PAGE), ("search", SEARCH)):
            t0 = time.perf_counter()
            with urllib.request.urlopen(base + path, timeout=30) as r:
                r.read()
            out[kind].append((time.perf_counter() - t0) * 1000)


def load_process(base, until, results):
    out = {"page": [], "search": []}
    load(base, until, out)
    results.put(out)


def measured(seconds_or_work):
    """Runs the load in a process of its own (so that the saver's parsing never holds up its
    requests) while `seconds_or_work` runs here."""
    until, results = multiprocessing.Event(), multiprocessing.Queue()
    p = multiprocessing.Process(target=load_process, args=(search_base, until, results))
    p.start()
    result = seconds_or_work()
    until.set()
    out = results.get()
    p.join()
    return out, result


# Sign in on the saving instance.
signin = form_of("/signin")
signin.update(email=email, password=password)
assert post("/signin", signin) in (302, 303), "sign-in failed"

# A warm-up, not counted: the first requests after a start fault the index files in.
measured(lambda: time.sleep(WARM_UP_SECONDS))
idle, _ = measured(lambda: time.sleep(IDLE_SECONDS))

# Questions spread over the library (and so over its topics).
slugs = [f"bench-{(i * 997) % questions:07d}" for i in range(saves)]
visible, save_ms, failures = [], [], 0


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


def save_all():
    global failures
    for i, slug in enumerate(slugs):
        started = time.time()
        fields = form_of(f"/editor/questions/{slug}")
        word = unique_word(i)
        fields["plan"] = f"{word.capitalize()} opens the plan.\n\n" + fields.get("plan", "")
        fields["action"] = "save"
        t0 = time.perf_counter()
        status = post(f"/editor/questions/{slug}", fields)
        t1 = time.perf_counter()
        if status not in (302, 303):
            failures += 1; continue
        save_ms.append((t1 - t0) * 1000)
        while get_json(search_base, f"/api/v1/search?q={word}")["total"] < 1:
            if time.perf_counter() - t1 > 30: raise SystemExit(f"{word} not found in 30 s")
            time.sleep(POLL_SECONDS)
        visible.append(time.perf_counter() - t1)
        time.sleep(max(0.0, 1.0 - (time.time() - started)))


busy, _ = measured(save_all)
print(f"saves: {len(save_ms)} ({failures} failed)   save p50 {statistics.median(save_ms):.1f} ms   p99 {p99(save_ms):.1f} ms   max {max(save_ms):.1f} ms")
print(f"save → found by the other instance's search: p50 {statistics.median(visible):.2f} s   p99 {p99(visible):.2f} s   max {max(visible):.2f} s")
for kind in ("page", "search"):
    i, b = p99(idle[kind]), p99(busy[kind])
    print(f"{kind:6}  idle p50 {statistics.median(idle[kind]):6.2f} ms  p99 {i:6.2f} ms ({len(idle[kind])})   during saves p50 {statistics.median(busy[kind]):6.2f} ms  p99 {b:6.2f} ms ({len(busy[kind])})   ratio {b / i:.2f}")
