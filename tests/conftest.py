"""Shared fixtures: the app on a migrated database, clients, factories, a live server, a11y."""
from __future__ import annotations

import os
import re
import shutil
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import text
from werkzeug.serving import make_server

from course import accounts, create_app, teams
from course.extensions import db
from course.models import Organisation, User

import devtools

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "een-lang-wachtwoord"
# A cheap password hash for the suite only (scrypt's 120-260 ms per hash and check was most of its time);
# set in the environment so the servers the tests start use it too. Production keeps scrypt
# (tests/test_auth.py checks the default).
os.environ.setdefault("PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


# A Wednesday morning, far from any day, week, month or year boundary (and from midnight in UTC and in Dutch
# time): tests whose results depend on the day run at this moment (`pytestmark = pytest.mark.usefixtures(
# "pinned_clock")`), so the suite passes on every day of the week. Stored-style: UTC without tzinfo.
PINNED = datetime(2026, 12, 2, 10, 0)


@pytest.fixture
def pinned_clock():
    """The clock stands at PINNED when the test starts (and runs on from there)."""
    with time_machine.travel(PINNED.replace(tzinfo=timezone.utc), tick=True):
        yield PINNED


def database_url(tmp_dir: Path) -> str:
    """The database the suite runs against: TEST_DATABASE_URL, or a fresh SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite'}"


def make_app(tmp_dir: Path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_dir),
        "CONTENT_DIR": str(FIXTURES / "content"),
        "QUIZ_DIR": str(FIXTURES / "quizzes"),
        "QUIZ_MIN_ITEMS_PER_LESSON": 1,  # the fixture course is small; the real banks are held to 3
        "BASE_URL": "http://localhost",
        "MAIL_SERVER": "",
        "MAIL_RETRY_DELAYS": (0.2, 0.5),
        "MAIL_TIMEOUT": 2,
        # The rate-limit tests set their own, lower limits.
        "VERIFY_RATE_LIMIT": "1000 per minute",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "REGISTER_RATE_LIMIT": "1000 per minute",
        "RESET_RATE_LIMIT": "1000 per minute",
        "JOIN_RATE_LIMIT": "1000 per minute",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app for the session, its schema built by the migrations (as in production)."""
    from flask_migrate import upgrade
    app = make_app(tmp_path_factory.mktemp("db"))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after each test that used the database."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    app.extensions["team_reports"].clear()  # the database is emptied under the app's feet, as by a restore
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def rate_limit(app):
    """rate_limit(setting, "2 per minute"): lower one limit for this test; restored, counters cleared after."""
    from course.extensions import limiter
    changed = {}

    def lower(setting: str, value: str) -> None:
        changed.setdefault(setting, app.config[setting])
        app.config[setting] = value
    yield lower
    app.config.update(changed)
    limiter.reset()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def course(app):
    return app.extensions["course"]


@pytest.fixture
def make_user(app):
    """Factory: make_user(name=..., email=..., password=...) -> user id."""
    counter = iter(range(1, 10_000))

    def make(name: str = "Test Cursist", email: str | None = None, password: str = PASSWORD, **extra) -> int:
        email = email or f"cursist{next(counter)}@voorbeeld.nl"
        with app.app_context():
            user = accounts.register_user(db.session, name=name, email=email, password=password, **extra)
            user_id = user.id
            db.session.remove()
        return user_id
    return make


@pytest.fixture
def outbox(app):
    """The app's mail sender thread, started for this test (under TESTING it is off); call outbox.wait_idle()
    before looking for a mail."""
    postman = app.extensions["postman"]
    postman.start()
    try:
        yield postman
        assert postman.wait_idle(10), "mails still waiting after the test"
    finally:
        assert postman.stop(10), "the mail sender did not stop"


class Inbox:
    """An aiosmtpd handler that keeps every mail; addresses in `refuse` are refused (a bounce)."""

    def __init__(self, refuse=()):
        self.messages = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


free_port = devtools.free_port


@contextmanager
def smtp_on_loopback(app, handler):
    """Serve `handler` (an Inbox or a subclass) as a real SMTP server on loopback that the app sends to."""
    from aiosmtpd.controller import Controller
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    old = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield handler
    finally:
        app.config.update(old)
        controller.stop()


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on loopback (aiosmtpd) that the app sends to; yields its Inbox."""
    with smtp_on_loopback(app, Inbox()) as inbox:
        yield inbox


@pytest.fixture
def store_name(app):
    """store_name(user_id, name): write a name straight into the database, past the name rule.

    For rows stored before the rule existed: pages and exports must still handle them safely.
    """
    from sqlalchemy import update



    def store(user_id: int, name: str) -> None:
        with app.app_context():
            db.session.execute(update(User).where(User.id == user_id).values(name=name))
            db.session.commit()
            db.session.remove()
    return store


csrf_token = devtools.csrf_token


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD, follow: bool = False):
        token = csrf_token(self.client.get("/inloggen").get_data(as_text=True))
        return self.client.post("/inloggen", data={"email": email, "password": password, "csrf_token": token},
                                follow_redirects=follow)

    def logout(self):
        token = csrf_token(self.client.get("/cursus/").get_data(as_text=True))
        return self.client.post("/uitloggen", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def learner(make_user, auth):
    """A registered learner who is logged in with the test client; returns the user id."""
    user_id = make_user(email="leerling@voorbeeld.nl")
    auth.login("leerling@voorbeeld.nl")
    return user_id


def post_form(client, url: str, data: dict, page: str | None = None, prefix: str = "", **kwargs):
    """GET the page with the form, then POST data with its CSRF token."""
    html = client.get(page or url).get_data(as_text=True)
    field = f"{prefix}-csrf_token" if prefix else "csrf_token"
    return client.post(url, data={**data, field: csrf_token(html)}, **kwargs)


# ----- shared factories and helpers -----

NAME = "Anouk van der Meer-Çelik"


def read_all_lessons(app, user_id: int, slug: str = "eerste-module") -> None:
    """Mark every lesson of a module done, through the domain function the lesson page uses."""
    from course.progress import mark_lesson_done
    with app.app_context():
        user = db.session.get(User, user_id)
        for lesson in app.extensions["course"].module(slug).lessons:
            mark_lesson_done(db.session, user, lesson)
        db.session.remove()


def next_attempt_time(session, user, module):
    """Meet the retake rule as a learner would: open the lessons to reread; the moment the wait ends (or now)."""
    from course import attempts, exercises
    from course.text import utcnow
    rule = attempts.retake_rule(session, user, module)
    for lesson in rule.reread:
        exercises.mark_reread(session, user, lesson)
    return max(utcnow(), rule.opens_at or utcnow())


def complete_module(app, user_id: int, slug: str = "eerste-module") -> None:
    """Read every lesson and pass the quiz, through the domain functions the views use."""
    from course import attempts
    read_all_lessons(app, user_id, slug)
    with app.app_context():
        course = app.extensions["course"]
        module = course.module(slug)
        user = db.session.get(User, user_id)
        attempt = attempts.start_attempt(db.session, user, module)
        answers = {d.question.id: d.question.key() for d in attempts.drawn_questions(attempt, module.quiz)}
        attempts.submit_attempt(db.session, course, user, module, attempt, answers, "Testorganisatie")
        db.session.remove()


def only_certificate(app, scope="eerste-module"):
    """The one certificate of this scope in the database (or None), detached from its session."""
    from sqlalchemy import select

    from course.models import Certificate
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.scope == scope))
        db.session.expunge_all()
        return certificate


def at_once(app, prepare, act, times: int = 2) -> list:
    """Run act(*prepare()) in `times` threads that start at the same moment, each in its own app context.

    `prepare` loads what the thread needs (in the thread's own session); the threads then wait for
    each other and act together, as two tabs or a double click would. Returns act's results; any
    exception in a thread fails the test.
    """
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            with app.app_context():
                loaded = prepare()
                barrier.wait()
                results.append(act(*loaded))
                db.session.remove()
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.fixture
def count_queries(app):
    """with count_queries() as counted: ...; counted["n"] is the number of SQL statements sent."""

    from sqlalchemy import event

    @contextmanager
    def counting():
        counter = {"n": 0}

        def before(*args, **kwargs):
            counter["n"] += 1
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)
    return counting


@pytest.fixture
def org(app):
    """Factory: org('Naam') -> organisation id, made through the same functions as the admin pages."""
    def make(name="Kinderopvang Zonnebloem"):
        with app.app_context():
            organisation_id = teams.create_organisation(db.session, None, name).id
            db.session.remove()
        return organisation_id
    return make


@pytest.fixture
def make_team(app, org):
    """Factory: make_team(name, manager_id=None, members=()) -> team id."""
    organisation_ids = {}

    def make(name="De Regenboog", manager_id=None, members=(), organisation="Kinderopvang Zonnebloem"):
        if organisation not in organisation_ids:
            organisation_ids[organisation] = org(organisation)
        with app.app_context():
            team = teams.create_team(db.session, None, db.session.get(Organisation, organisation_ids[organisation]),
                                     name)
            if manager_id:
                teams.appoint_manager(db.session, None, team, db.session.get(User, manager_id))
            for member in members:
                teams.join(db.session, team, db.session.get(User, member))
            team_id = team.id
            db.session.remove()
        return team_id
    return make


# ----- browser tests -----

def _browser_available() -> bool:
    return shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists()


def pytest_collection_modifyitems(config, items):
    if _browser_available():
        return
    if IN_CI:
        raise pytest.UsageError(f"CI=true maar Chromium ontbreekt op {CHROMIUM}: browsertests mogen niet overslaan.")
    skip = pytest.mark.skip(reason=f"Chromium niet gevonden op {CHROMIUM} (installeer: apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over HTTP on loopback, in a thread, for the browser tests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()


# Elements sticking out to the right of a `width`-px wide screen, unless a scroll box they live in
# (overflow-x auto/scroll/hidden, itself within the screen) holds them: a table may scroll in its box.
# An absolutely positioned element lives in its nearest positioned ancestor, not in every DOM parent.
_OVERFLOW_JS = """
(width) => {
  const held = (el) => {
    let position = getComputedStyle(el).position;
    for (let p = el.parentElement; p && p !== document.documentElement; p = p.parentElement) {
      const style = getComputedStyle(p);
      const contains = position === 'fixed' ? style.transform !== 'none'
        : position === 'absolute' ? (style.position !== 'static' || style.transform !== 'none') : true;
      if (!contains) continue;
      if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)
          && p.getBoundingClientRect().right <= width + 0.5) return true;
      position = style.position;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('')
    + ' "' + (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0 && !held(el))
      wide.push(name(el) + ' (right edge ' + Math.round(box.right) + 'px)');
  }
  // Text can stick out of a box that fits (a long word): name the element the text is in.
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || getComputedStyle(parent).overflowX !== 'visible') continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.right > width + 0.5 && !held(parent))
      wide.push('text in ' + name(parent) + ' (right edge ' + Math.round(box.right) + 'px)');
  }
  // A certificate code is read and typed over: it stays on one line (no break at its hyphens).
  const broken = [...document.querySelectorAll('.code')].filter(el => el.getClientRects().length > 1)
    .map(name);
  return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 12), broken};
}
"""


class A11y:
    """Runs axe-core on a page; every page a test loads must be checked before the next one.

    Each check also looks at the page on a phone: at 320 and 375 px wide nothing may stick out
    sideways (no horizontal scrolling); the viewport is put back afterwards.
    """

    TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    PHONE_WIDTHS = (320, 375)

    def __init__(self, page):
        from axe_playwright_python.sync_playwright import Axe
        self.page, self.axe = page, Axe()
        self.loads: list[str] = []
        self.checked = 0
        page.on("load", lambda p: self.loads.append(p.url))

    def check(self) -> None:
        """Assert the current page has no WCAG 2 A/AA violations."""
        self.page.wait_for_load_state("load")
        assert len(self.loads) <= self.checked + 1, (
            f"pages visited without an accessibility check: {self.loads[self.checked:-1]}")
        results = self.axe.run(self.page, options={"runOnly": {"type": "tag", "values": self.TAGS}})
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"
        self.check_phone_widths()
        self.checked = len(self.loads)

    def check_phone_widths(self) -> None:
        """Assert the page needs no horizontal scrolling at 320 and 375 px (naming what sticks out),
        and no certificate code (.code) is broken over two lines."""
        original = self.page.viewport_size
        problems = []
        try:
            for width in self.PHONE_WIDTHS:
                self.page.set_viewport_size({"width": width, "height": original["height"] if original else 740})
                found = self.page.evaluate(_OVERFLOW_JS, width)
                if found["scrollWidth"] > width:
                    problems.append(f"at {width} px the page is {found['scrollWidth']} px wide; sticking out:\n  "
                                    + "\n  ".join(found["wide"] or ["(nothing found)"]))
                if found["broken"]:
                    problems.append(f"at {width} px a certificate code is broken over lines: {found['broken']}")
        finally:
            if original:
                self.page.set_viewport_size(original)
        assert not problems, f"{self.page.url}: does not fit on a phone\n" + "\n".join(problems)

    def assert_all_checked(self) -> None:
        assert self.checked == len(self.loads), (
            f"pages visited without an accessibility check: {self.loads[self.checked:]}")


@pytest.fixture
def a11y(page):
    checker = A11y(page)
    yield checker
    checker.assert_all_checked()


# The fixture quiz of module 1, answered right by the text of each question.
ANSWERS = {"Welke stijl past hierbij?": "Vermijdend", "Wie classificeert gehechtheid?": "Een getrainde professional"}


def pass_quiz(page, a11y):
    """Answer every question of the fixture module 1 quiz right in the browser and hand it in."""
    for q in page.locator("li.question").all():
        text = q.locator(".qtext").inner_text()
        if text in ANSWERS:
            q.get_by_label(ANSWERS[text]).check()
        elif text == "Wat hoort bij sensitiviteit?":
            q.get_by_label("Opmerken").check()
            q.get_by_label("Begrijpen").check()
        elif text == "Sorteer de signalen.":
            q.get_by_label("Zoekt troost").select_option(label="Veilig")
            q.get_by_label("Kijkt weg").select_option(label="Vermijdend")
        else:
            for label, pos in (("Signalen in kaart brengen", "1"), ("Collega raadplegen", "2"), ("Gesprek met ouders", "3")):
                q.get_by_label(label).select_option(pos)
    page.get_by_role("button", name="Inleveren").click()
    a11y.check()


def open_menu(page) -> None:
    """On a phone (below about 600 px) the header's links sit behind "Menu": open it; elsewhere do nothing."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()


def browser_login(page, check, base: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the login page in the browser, checking both pages with axe."""
    page.goto(base + "/inloggen")
    check.check()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    check.check()


def all_criteria_met(module) -> dict:
    """A review's marks with every rubric criterion of the module's assignment voldoende (to sign off)."""
    return {c.id: {"ok": True, "note": ""} for c in module.assignment.criteria}


# ----- the fixture quiz of module 1 over HTTP (test_quiz_flow.py, test_retakes.py) -----

def finish_lessons(client, module="eerste-module"):
    for lesson in ("les-1", "les-2", "les-3"):
        token = csrf_token(client.get(f"/cursus/{module}/{lesson}").get_data(as_text=True))
        client.post(f"/cursus/{module}/{lesson}/afgerond", data={"csrf_token": token})


def drawn_ids(html: str) -> list[str]:
    ids = []
    for name in re.findall(r'name="q-([a-z0-9-]+)"', html):
        qid = next((q for q in ("enkel", "meer", "sorteer", "volgorde", "extra") if name == q or name.startswith(q + "-")))
        if qid not in ids:
            ids.append(qid)
    return ids


RIGHT = {
    "enkel": {"q-enkel": "a"},
    "meer": {"q-meer": ["a", "b"]},
    "sorteer": {"q-sorteer-troost": "veilig", "q-sorteer-wegkijken": "vermijdend"},
    "volgorde": {"q-volgorde-een": "1", "q-volgorde-twee": "2", "q-volgorde-drie": "3"},
    "extra": {"q-extra": "a"},
}
WRONG = {
    "enkel": {"q-enkel": "b"},
    "meer": {"q-meer": ["c"]},
    "sorteer": {"q-sorteer-troost": "vermijdend", "q-sorteer-wegkijken": "veilig"},
    "volgorde": {"q-volgorde-een": "3", "q-volgorde-twee": "2", "q-volgorde-drie": "1"},
    "extra": {"q-extra": "b"},
}


def answers(ids, table, wrong=()):
    data = {}
    for qid in ids:
        data.update((WRONG if qid in wrong else table)[qid])
    return data


def submit(client, url, data, action="inleveren"):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token, "actie": action})
