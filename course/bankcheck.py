"""What a quiz bank gives away, and how well a pass separates: figures for `flask content check` and the tests.

Surface cues (issue 23, point 2): how often the key of a single-choice item is its longest option, the
mean length of keys and of distractors, and how often "consult / write it down" wording is in keys
against distractors. Simulations (point 3): a learner who masters a share of the items (each drawn item
right with that chance, wrong otherwise), and reader-less strategies (the longest option, the longer half
of a multiple-answer item, a blind guess elsewhere), played over the module's real draw and pass mark.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from statistics import mean

from course.catalog import Module, Quiz
from course.catalog.questions import Classify, MultipleChoice, Order, Question, SingleChoice

# "Overleg met je mentor", "bespreek het", "schrijf op wat je zag": wording a reader-less learner could pick on.
CONSULT = re.compile(r"\b(overleg\w*|bespreek\w*|besproken|bespreken|mentor\w*|leidinggevende\w*|"
                     r"aandachtsfunctionaris\w*|collega\w*|schrijf\w* .*op|noteer\w*|noteren|genoteerd|"
                     r"vastleggen|leg\w* .*vast|aantekening\w*|rapporteer\w*|observatie\w*)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    singles: int
    key_longest: int
    options_per_single: float  # k: the mean number of options of a single-choice item
    key_length: float  # mean characters of keys (single and multiple choice)
    distractor_length: float
    consult_in_keys: float  # share of keys with consult/write-down wording, 0-1
    consult_in_distractors: float

    @property
    def key_longest_share(self) -> float:
        return self.key_longest / self.singles if self.singles else 0.0

    @property
    def key_longest_limit(self) -> float:
        """The most the key may be the longest option: 1/k plus 10 points."""
        return 1 / self.options_per_single + 0.10 if self.singles else 1.0

    @property
    def length_ratio(self) -> float:
        return self.key_length / self.distractor_length if self.distractor_length else 1.0


def _choice_items(quiz: Quiz):
    return [q for q in quiz.questions if isinstance(q, (SingleChoice, MultipleChoice))]


def key_is_longest(question: SingleChoice) -> bool:
    """Whether the key is (one of) the longest options: a reader-less learner picking the longest finds it."""
    key = next(o for o in question.options if o.correct)
    return len(key.text) >= max(len(o.text) for o in question.options if not o.correct)


def cues(quiz: Quiz) -> Cues:
    singles = [q for q in quiz.questions if isinstance(q, SingleChoice)]
    keys = [o.text for q in _choice_items(quiz) for o in q.options if o.correct]
    distractors = [o.text for q in _choice_items(quiz) for o in q.options if not o.correct]
    share = (lambda texts: sum(bool(CONSULT.search(t)) for t in texts) / len(texts) if texts else 0.0)
    return Cues(
        singles=len(singles), key_longest=sum(key_is_longest(q) for q in singles),
        options_per_single=mean(len(q.options) for q in singles) if singles else 0.0,
        key_length=mean(len(t) for t in keys) if keys else 0.0,
        distractor_length=mean(len(t) for t in distractors) if distractors else 0.0,
        consult_in_keys=share(keys), consult_in_distractors=share(distractors))


# ----- simulations -----

def blind_answer(question: Question, rng: random.Random):
    """A guess without reading: a random option, random ticks, random categories, a random order."""
    if isinstance(question, SingleChoice):
        return rng.choice(question.options).id
    if isinstance(question, MultipleChoice):
        picked = [o.id for o in question.options if rng.random() < 0.5]
        return sorted(picked or [rng.choice(question.options).id])
    if isinstance(question, Classify):
        return {i.id: rng.choice(question.categories).id for i in question.items}
    if isinstance(question, Order):
        order = [i.id for i in question.items]
        rng.shuffle(order)
        return order
    raise TypeError(question.type_name)


def cue_answer(question: Question, rng: random.Random):
    """The reader-less strategy: the longest option; the longer half of a multiple item; blind elsewhere."""
    if isinstance(question, SingleChoice):
        longest = max(len(o.text) for o in question.options)
        return rng.choice([o.id for o in question.options if len(o.text) == longest])
    if isinstance(question, MultipleChoice):
        ranked = sorted(question.options, key=lambda o: (-len(o.text), rng.random()))
        return sorted(o.id for o in ranked[:max(1, (len(ranked) + 1) // 2)])
    return blind_answer(question, rng)


def _outcomes(quiz: Quiz, answer, rng: random.Random, samples: int = 64) -> dict[str, list[float]]:
    """Per question, the points of `samples` answers by a strategy (drawn once, then sampled from)."""
    return {q.id: [q.grade(answer(q, rng)).points for _ in range(samples)] for q in quiz.questions}


def _draw(quiz: Quiz, rng: random.Random) -> list[Question]:
    drawn = []
    for lesson, count in quiz.blueprint:
        drawn += rng.sample([q for q in quiz.questions if q.lesson == lesson], count)
    return drawn


def _passes(quiz: Quiz, points: list[float]) -> bool:
    return 100 * sum(points) / len(points) >= quiz.pass_mark - 1e-9


@dataclass(frozen=True)
class Simulated:
    attempts: int
    pass_rate: float  # per attempt
    within_ten: float  # share of runs of ten attempts with at least one pass


def simulate_strategy(quiz: Quiz, attempts: int = 20_000, seed: int = 23) -> Simulated:
    """The reader-less strategy over `attempts` fresh draws, counted per attempt and per run of ten."""
    rng = random.Random(seed)
    outcomes = _outcomes(quiz, cue_answer, rng)
    passed = [_passes(quiz, [rng.choice(outcomes[q.id]) for q in _draw(quiz, rng)]) for _ in range(attempts)]
    runs = [any(passed[i:i + 10]) for i in range(0, attempts - attempts % 10, 10)]
    return Simulated(attempts, sum(passed) / attempts, sum(runs) / len(runs) if runs else 0.0)


def simulate_mastery(quiz: Quiz, mastery: float, attempts: int = 20_000, seed: int = 23) -> float:
    """The pass rate of a learner who gets each drawn item right with chance `mastery` (and wrong otherwise)."""
    rng = random.Random(seed)
    passed = 0
    for _ in range(attempts):
        passed += _passes(quiz, [1.0 if rng.random() < mastery else 0.0 for _ in range(quiz.draw)])
    return passed / attempts


def report(module: Module, attempts: int = 20_000) -> str:
    """One Dutch line of figures per module, for `flask content check`."""
    quiz = module.quiz
    c = cues(quiz)
    s = simulate_strategy(quiz, attempts)
    def nl(value: float, digits: int = 1) -> str:  # Dutch decimals: 3,8
        return f"{value:.{digits}f}".replace(".", ",")

    return (f"module {module.number}: {quiz.draw} vragen per poging, geslaagd bij {quiz.pass_mark}% · "
            f"juiste antwoord is de langste keuze in {c.key_longest} van {c.singles} enkelkeuzevragen "
            f"({100 * c.key_longest_share:.0f}%, grens {100 * c.key_longest_limit:.0f}%) · "
            f"juiste antwoorden even lang als foute: verhouding {nl(c.length_ratio, 2)} · overleg/noteer-woorden in "
            f"{100 * c.consult_in_keys:.0f}% van de juiste en {100 * c.consult_in_distractors:.0f}% van de foute "
            f"antwoorden · gokken zonder lezen: geslaagd in {nl(100 * s.pass_rate)}% van de pogingen, "
            f"{nl(100 * s.within_ten)}% binnen tien pogingen · "
            f"beheersing 60%: {nl(100 * simulate_mastery(quiz, 0.6, attempts // 4))}% geslaagd, "
            f"90%: {nl(100 * simulate_mastery(quiz, 0.9, attempts // 4))}%")
