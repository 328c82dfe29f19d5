"""The real course in content/ and quizzes/: it loads, and it is what the course promises."""
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from course.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
SEED_TOOL = ROOT.parent / "shared" / "tools" / "seed_overlap.py"


@pytest.fixture(scope="module")
def real():
    return load_catalog(ROOT / "content", ROOT / "quizzes")


def test_real_content_loads_with_four_modules(real):
    assert [m.title for m in real.modules] == [
        "Wat is gehechtheid", "Bouwstenen van gehechtheid", "Signaleren: de signalenlijst", "Praktische handvatten"]


def test_study_time_stays_honest(real):
    """The study load is computed from the lessons and quizzes. The lessons took 344 minutes before the
    floor situations of issue 25 were added, which may add at most an hour; an exam of 21 items takes about
    35 minutes."""
    lessons = sum(module.lesson_minutes for module in real.modules)
    assert 344 <= lessons <= 344 + 60, lessons
    assert all(25 <= module.quiz.minutes <= 45 for module in real.modules)
    assert 7 * 60 <= real.minutes <= 9 * 60, real.minutes


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_each_module_has_4_to_7_lessons_sources_and_a_quiz(real, number):
    module = real.modules[number - 1]
    assert 4 <= len(module.lessons) <= 7
    assert module.bronnen_html
    assert module.quiz is not None and len(module.quiz.questions) >= 15
    assert module.quiz.pass_mark == 80


def test_lessons_have_goals_practice_summary_and_reflection_last(real):
    for lesson in real.lessons:
        html = str(lesson.html)
        assert lesson.goals, lesson.path
        assert 'class="admonition praktijk"' in html, f"{lesson.path}: no worked example"
        assert 'class="admonition samenvatting"' in html, f"{lesson.path}: no summary"
        boxes = re.findall(r'class="admonition (\w+)"', html)
        assert boxes[-1] == "reflectie", f"{lesson.path}: the reflection question must come last"
        assert not html.lstrip().startswith("<h1"), f"{lesson.path}: the title is added by the page"


def test_internal_links_resolve(real):
    anchors = {t.anchor for t in real.terms}
    lessons = {(l.module_slug, l.slug) for l in real.lessons}
    modules = {m.slug for m in real.modules}
    pages = [*real.lessons, *real.pages]
    for item in pages:
        for href in re.findall(r'href="(/[^"]*)"', str(item.html)):
            path, _, anchor = href.partition("#")
            where = getattr(item, "path", item.slug)
            if path == "/begrippen":
                assert anchor in anchors, f"{where}: unknown glossary term {anchor!r}"
            elif path.startswith("/cursus/"):
                parts = [p for p in path.split("/")[2:] if p]
                if len(parts) == 1:
                    assert parts[0] in modules, f"{where}: unknown module link {href}"
                else:
                    assert tuple(parts[:2]) in lessons or parts[1] == "quiz", f"{where}: unknown lesson link {href}"
            else:
                assert path in {"/signalenlijst", "/begrippen"}, f"{where}: unexpected link {href}"


def test_question_banks_are_large_varied_and_mostly_scenarios(real):
    questions = [q for m in real.modules for q in m.quiz.questions]
    assert len(questions) >= 60
    types = Counter(q.type_name for q in questions)
    assert set(types) == {"single", "multiple", "classify", "order"}
    assert sum(bool(q.scenario) for q in questions) > len(questions) / 2


def test_glossary_and_signal_list_exist(real):
    assert len(real.terms) >= 20
    assert real.page("signalenlijst") is not None
    assert "geen diagnose" in str(real.page("signalenlijst").html).lower()


def test_course_text_does_not_repeat_the_sources():
    """Facts from the seeds carry over, their sentences do not (the project's standing check)."""
    if not SEED_TOOL.exists():
        reason = (f"{SEED_TOOL} ontbreekt: de map shared/ met de bronteksten staat niet naast deze checkout "
                  f"(nodig voor de controle op overgenomen zinnen)")
        if IN_CI:
            pytest.fail(reason + "; in CI (CI=true) moet hij er zijn")
        pytest.skip(reason)
    result = subprocess.run([sys.executable, str(SEED_TOOL), "content", "quizzes"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "seed-overlap: ok" in result.stdout


def test_every_draw_of_every_module_covers_every_lesson(real):
    """A thousand draws per module: each one tests every lesson, as the blueprint promises."""
    import random

    from course.attempts import draw as draw_items
    rng = random.Random(2026)
    for module in real.modules:
        quiz, lessons = module.quiz, {lesson.slug for lesson in module.lessons}
        for _ in range(1000):
            drawn = draw_items(quiz, rng)
            assert len(drawn) == quiz.draw
            assert {quiz.question(entry["q"]).lesson for entry in drawn} == lessons, module.slug


def test_each_lesson_has_at_least_three_items_in_its_bank(real):
    for module in real.modules:
        for lesson in module.lessons:
            count = sum(q.lesson == lesson.slug for q in module.quiz.questions)
            assert count >= 3, f"{module.slug}/{lesson.slug}: {count} items"


ABSOLUTE = re.compile(r"\b(altijd|nooit|direct|meteen|alle|niets|helemaal)\b", re.IGNORECASE)


def test_absolute_words_do_not_give_the_key_away(real):
    """'Altijd', 'nooit', 'direct' ... are about as rare in right options as in wrong ones (both under 10%)."""
    keys = distractors = keys_absolute = distractors_absolute = 0
    for module in real.modules:
        for question in module.quiz.questions:
            if question.type_name not in ("single", "multiple"):
                continue
            for option in question.options:
                absolute = bool(ABSOLUTE.search(option.text))
                if option.correct:
                    keys, keys_absolute = keys + 1, keys_absolute + absolute
                else:
                    distractors, distractors_absolute = distractors + 1, distractors_absolute + absolute
    key_share, distractor_share = keys_absolute / keys, distractors_absolute / distractors
    assert key_share < 0.10 and distractor_share < 0.10, (key_share, distractor_share)
    assert abs(key_share - distractor_share) < 0.05, (key_share, distractor_share)


STYLE_QUESTION = re.compile(r"welke (gehechtheids)?stijl|welk(e)? (gehechtheids)?patroon heeft|"
                            r"is (hij|zij|ze|het kind) (veilig|onveilig|vermijdend|ambivalent|gedesorganiseerd)",
                            re.IGNORECASE)


def test_no_item_asks_which_style_a_child_has(real):
    for module in real.modules:
        for question in module.quiz.questions:
            assert not STYLE_QUESTION.search(question.text), f"{module.slug}: {question.id}: {question.text}"


# ----- the guide "Wat doe ik nu?" (content/gids) -----

def test_guide_has_15_to_25_cards_each_with_three_sections_and_a_real_lesson(real):
    assert 15 <= len(real.guide) <= 25, len(real.guide)
    lessons = {(lesson.module_slug, lesson.slug) for lesson in real.lessons}
    for card in real.guide:
        assert (card.module_slug, card.lesson_slug) in lessons, f"{card.path}: links to a lesson that does not exist"
        headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", str(card.html))
        assert headings == ["Wat doe je nu", "Wie bel je", "Wat schrijf je op"], f"{card.path}: {headings}"
        assert card.keywords, card.path


def test_guide_cards_are_short_enough_for_one_printed_page(real):
    for card in real.guide:
        words = len(re.sub(r"<[^>]+>", " ", str(card.html)).split())
        assert 80 <= words <= 240, f"{card.path}: {words} words (about 120 to 220 fit one printed page)"


def test_guide_cards_dial_the_national_numbers_they_name(real):
    """Every 112 and 0800-2000 on a card is a tel: link, so a phone at the door calls with one tap."""
    for card in real.guide:
        html = str(card.html)
        text = re.sub(r"<[^>]+>", " ", html)
        for number, dial in (("112", "112"), ("0800-2000", "08002000")):
            named = len(re.findall(rf"(?<![\w-]){number}(?![\w-])", text))
            assert html.count(f'<a href="tel:{dial}">{number}</a>') == named, (card.path, number)
    assert any("tel:08002000" in str(card.html) for card in real.guide)
    assert any("tel:112" in str(card.html) for card in real.guide)


def test_in_deze_les_is_built_from_each_lessons_own_headings(real):
    """The "In deze les" list comes from the server (templates/learn/lesson.html): every section it names
    is a level-2 heading of the lesson with that id, in the lesson's order, as plain text."""
    with_list = 0
    for module in real.modules:
        for lesson in module.lessons:
            ids = re.findall(r'<h2 id="([^"]+)">', str(lesson.html))
            assert [section_id for section_id, _ in lesson.sections] == ids, lesson.path
            for _, title in lesson.sections:
                assert title and "<" not in title, (lesson.path, title)
            with_list += len(lesson.sections) >= 2
    assert with_list >= 10  # most lessons have several sections: the list is there on most pages
