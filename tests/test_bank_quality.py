"""The real banks (issue 23, points 2 and 3): no surface cue wins, and a pass separates.

Simulated with fixed seeds over content/ and quizzes/, with each module's own draw and pass mark.
These fail on the banks of commit 9158376 (10 items per attempt, the key often the longest option);
the rewritten banks (21 items per attempt, pass mark 80) are written to meet them.
"""
from pathlib import Path

import pytest

from course.bankcheck import cues, simulate_mastery, simulate_strategy
from course.catalog import Quiz, load_catalog
from course.catalog.questions import Choice, SingleChoice

ROOT = Path(__file__).resolve().parent.parent
MODULES = [1, 2, 3, 4]


@pytest.fixture(scope="module")
def real():
    return load_catalog(ROOT / "content", ROOT / "quizzes")


def quiz_of(real, number) -> Quiz:
    return real.modules[number - 1].quiz


@pytest.mark.parametrize("number", MODULES)
def test_a_learner_with_60_percent_mastery_passes_at_most_5_percent(real, number):
    assert simulate_mastery(quiz_of(real, number), 0.60, seed=number) <= 0.05


@pytest.mark.parametrize("number", MODULES)
def test_a_learner_with_90_percent_mastery_passes_at_least_90_percent(real, number):
    assert simulate_mastery(quiz_of(real, number), 0.90, seed=number) >= 0.90


@pytest.mark.parametrize("number", MODULES)
def test_reading_no_lesson_does_not_pass(real, number):
    """Longest option, the longer half of a multiple item, blind guesses elsewhere: 20,000 draws."""
    played = simulate_strategy(quiz_of(real, number), 20_000, seed=number)
    assert played.pass_rate < 0.01, played
    assert played.within_ten < 0.05, played


@pytest.mark.parametrize("number", MODULES)
def test_the_key_is_not_the_longest_option_more_than_chance_allows(real, number):
    found = cues(quiz_of(real, number))
    assert found.key_longest_share <= found.key_longest_limit, found


@pytest.mark.parametrize("number", MODULES)
def test_keys_are_as_long_as_distractors(real, number):
    assert 0.9 <= cues(quiz_of(real, number)).length_ratio <= 1.1


@pytest.mark.parametrize("number", MODULES)
def test_consult_and_write_down_wording_is_as_common_in_distractors_as_in_keys(real, number):
    found = cues(quiz_of(real, number))
    assert abs(found.consult_in_keys - found.consult_in_distractors) <= 0.05, found


# ----- the checks themselves: they catch a bank that gives its keys away -----

def _bank(longest_key: bool, items: int = 30) -> Quiz:
    questions = []
    for n in range(items):
        key = "Je overlegt eerst met je mentor en schrijft op wat je zag" if longest_key else "Je troost"
        questions.append(SingleChoice(id=f"v{n}", lesson="les", scenario="", text="Wat doe je?", explanation="",
                                      options=(Choice("a", key, True, "uitleg"),
                                               Choice("b", "Je wacht af", False, "uitleg"),
                                               Choice("c", "Je belt ouders", False, "uitleg"))))
    return Quiz(module_slug="m", title="t", pass_mark=80, draw=10, minutes=5, questions=tuple(questions),
                content_hash="x", path="x", blueprint=(("les", 10),))


def test_the_checks_catch_a_bank_whose_key_is_the_longest():
    leaky = cues(_bank(True))
    assert leaky.key_longest_share == 1.0 > leaky.key_longest_limit
    assert leaky.length_ratio > 1.1 and leaky.consult_in_keys - leaky.consult_in_distractors > 0.05
    assert simulate_strategy(_bank(True), 1_000).pass_rate == 1.0
    fair = cues(_bank(False))
    assert fair.key_longest == 0 and simulate_strategy(_bank(False), 1_000).pass_rate < 0.01


def test_a_mastery_simulation_follows_the_binomial():
    # 10 items at 80%: P(at least 8 of 10 right) is 38% at 70% mastery (the figure).
    assert abs(simulate_mastery(_bank(False), 0.70, 20_000) - 0.383) < 0.015


def test_the_check_command_reports_the_figures_per_module(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    for number in (1, 2):
        line = next(l for l in result.output.splitlines() if l.startswith(f"module {number}:"))
        assert "juiste antwoord is de langste keuze in" in line and "gokken zonder lezen: geslaagd in" in line
        assert "beheersing 60%" in line and "overleg/noteer-woorden" in line
