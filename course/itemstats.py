"""Item statistics for the course author, after Moodle's quiz statistics report.

Per item: attempts, facility (the average share of the point earned), discrimination (the
correlation between the item and the rest of the quiz in the same attempt, "item-rest"), how
often each option was chosen, and flags. Per module: attempts, pass rate, attempts needed to
pass, and the spread of scores. Everything comes from the rows graded attempts leave in
`quiz_item_results` (a copy of their frozen records), with sums computed by the database, so the
page stays fast for tens of thousands of attempts.
"""
from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course.bankcheck import key_is_longest
from course.catalog import Module
from course.catalog.questions import SingleChoice
from course.models import QuizAttempt, QuizItemResult

KEY_LONGEST = "juiste antwoord is de langste keuze"
TOO_EASY, TOO_HARD = 0.90, 0.30  # facility above / below: the item hardly tells learners apart
MIN_ATTEMPTS = 10  # below this an item's figures are shown but not judged


def item_rows(attempt: QuizAttempt, records: list[dict[str, Any]]) -> list[QuizItemResult]:
    """The statistics rows of one graded attempt (the caller adds them in the grading transaction)."""
    total = sum(r["points"] for r in records)
    rows = []
    for record in records:
        answer, kind = record["answer"], record["question"]["type"]
        chosen = answer if isinstance(answer, str) else ",".join(answer) if kind == "multiple" and answer else ""
        rows.append(QuizItemResult(attempt_id=attempt.id, module_slug=attempt.module_slug, question_id=record["q"],
                                   points=record["points"], attempt_points=total, chosen=chosen[:400]))
    return rows


@dataclass
class ItemStats:
    question_id: str
    lesson: str
    type_name: str
    text: str
    attempts: int
    facility: float | None  # 0-1
    discrimination: float | None  # item-rest correlation, -1..1
    options: list[tuple[str, str, bool, int]] = field(default_factory=list)  # (id, text, correct, times chosen)
    key_longest: bool = False  # a single-choice item whose key is its longest option: a surface cue
    variance: float | None = None  # of the item's points over its attempts

    @property
    def flags(self) -> list[str]:
        """Dutch warnings for the author; the figures are judged only with enough attempts."""
        cue = [KEY_LONGEST] if self.key_longest else []
        if self.attempts < MIN_ATTEMPTS or self.facility is None:
            return cue + (["te weinig pogingen"] if self.attempts < MIN_ATTEMPTS else [])
        flags = cue
        if self.facility > TOO_EASY:
            flags.append("te makkelijk")
        if self.facility < TOO_HARD:
            flags.append("te moeilijk")
        if self.discrimination is not None and self.discrimination < 0:
            flags.append("negatief onderscheidend")
        flags += [f"optie {option_id} kiest niemand" for option_id, _, correct, n in self.options
                  if n == 0 and not correct]
        return flags


@dataclass
class ModuleStats:
    module: Module
    attempts: int
    learners: int
    pass_rate: float | None  # share of graded attempts that passed
    learners_passed: int
    attempts_to_pass: float | None  # average number of attempts learners needed for their first pass
    mean: float | None
    sd: float | None
    median: float | None
    histogram: list[int]  # attempts per score band 0-9, 10-19, ..., 90-100
    items: list[ItemStats]
    reliability: float | None = None  # KR-20 (Cronbach's alpha with partial credit), from the graded attempts
    sem: float | None = None  # standard error of measurement, in score points (percent)


def reliability(items: list[ItemStats], draw: int, total_sd: float | None) -> float | None:
    """Cronbach's alpha (KR-20 for right/wrong items) of a drawn quiz: k/(k-1) * (1 - k * mean item variance / total
    variance), with k the items per attempt and the variances in points. None with too little to go on."""
    judged = [(i.attempts, i.variance) for i in items if i.variance is not None and i.attempts > 1]
    n = sum(a for a, _ in judged)
    if draw < 2 or not n or not total_sd:
        return None
    mean_variance = sum(a * v for a, v in judged) / n
    total_variance = (total_sd * draw / 100) ** 2  # the sd of scores in percent, as points out of `draw`
    return max(-1.0, min(1.0, draw / (draw - 1) * (1 - draw * mean_variance / total_variance)))


def module_stats(session: Session, module: Module) -> ModuleStats:
    """Statistics of one module's quiz and each item in its bank (five queries, whatever the numbers)."""
    quiz = module.quiz
    attempts = session.execute(
        select(QuizAttempt.user_id, QuizAttempt.score, QuizAttempt.passed)
        .where(QuizAttempt.module_slug == module.slug, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.user_id, QuizAttempt.submitted_at, QuizAttempt.id)
    ).all()
    scores = [a.score for a in attempts]
    needed, tries, passed_users = [], Counter(), set()
    for user_id, _, passed in attempts:
        if user_id in passed_users:
            continue
        tries[user_id] += 1
        if passed:
            passed_users.add(user_id)
            needed.append(tries[user_id])
    histogram = [0] * 10
    for score in scores:
        histogram[min(9, int(score // 10))] += 1
    mean = sum(scores) / len(scores) if scores else None
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (len(scores) - 1)) if len(scores) > 1 else None
    ordered = sorted(scores)
    median = (ordered[(len(ordered) - 1) // 2] + ordered[len(ordered) // 2]) / 2 if ordered else None
    items = _item_stats(session, module) if quiz else []
    alpha = reliability(items, quiz.draw, sd) if quiz and len(attempts) >= MIN_ATTEMPTS else None
    return ModuleStats(
        module=module, attempts=len(attempts), learners=len(tries),
        pass_rate=sum(bool(a.passed) for a in attempts) / len(attempts) if attempts else None,
        learners_passed=len(passed_users), attempts_to_pass=sum(needed) / len(needed) if needed else None,
        mean=mean, sd=sd, median=median, histogram=histogram, items=items,
        reliability=alpha, sem=sd * math.sqrt(1 - alpha) if alpha is not None and alpha >= 0 else None,
    )


def _item_stats(session: Session, module: Module) -> list[ItemStats]:
    rest = QuizItemResult.attempt_points - QuizItemResult.points
    sums = {row.question_id: row for row in session.execute(
        select(QuizItemResult.question_id, func.count().label("n"), func.sum(QuizItemResult.points).label("x"),
               func.sum(QuizItemResult.points * QuizItemResult.points).label("xx"), func.sum(rest).label("y"),
               func.sum(rest * rest).label("yy"), func.sum(QuizItemResult.points * rest).label("xy"))
        .where(QuizItemResult.module_slug == module.slug).group_by(QuizItemResult.question_id))}
    chosen: dict[str, Counter] = defaultdict(Counter)
    for question_id, picks, n in session.execute(
            select(QuizItemResult.question_id, QuizItemResult.chosen, func.count())
            .where(QuizItemResult.module_slug == module.slug, QuizItemResult.chosen != "")
            .group_by(QuizItemResult.question_id, QuizItemResult.chosen)):
        for option_id in picks.split(","):
            chosen[question_id][option_id] += n
    items = []
    for question in module.quiz.questions:
        row = sums.get(question.id)
        n = row.n if row else 0
        options = [(o.id, o.text, o.correct, chosen[question.id][o.id]) for o in getattr(question, "options", ())]
        items.append(ItemStats(question.id, question.lesson, question.type_name, question.text, n,
                               row.x / n if n else None, _correlation(row) if n else None, options,
                               isinstance(question, SingleChoice) and key_is_longest(question),
                               max(0.0, row.xx / n - (row.x / n) ** 2) if n else None))
    return items


def _correlation(row) -> float | None:
    """Pearson's r from sums; None when either side does not vary (everyone right, say)."""
    n = row.n
    numerator = n * row.xy - row.x * row.y
    spread = (n * row.xx - row.x ** 2) * (n * row.yy - row.y ** 2)
    if spread <= 1e-12:
        return None
    return max(-1.0, min(1.0, numerator / math.sqrt(spread)))


CSV_HEADER = ["Module", "Vraag", "Les", "Type", "Pogingen", "Goed beantwoord (%)", "Onderscheidt (-1 tot 1)", "Keuzes per optie",
              "Signalen", "Vraagtekst"]


def export_csv(stats: Iterable[ModuleStats]) -> bytes:
    """Every module's item statistics as CSV for Dutch Excel (UTF-8 with BOM, ';')."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for module_stats_ in stats:
        for item in module_stats_.items:
            writer.writerow([
                module_stats_.module.number, item.question_id, item.lesson, item.type_name, item.attempts,
                "" if item.facility is None else f"{100 * item.facility:.0f}",
                "" if item.discrimination is None else f"{item.discrimination:.2f}".replace(".", ","),
                " ".join(f"{o[0]}{'*' if o[2] else ''}={o[3]}" for o in item.options),
                ", ".join(item.flags), item.text,
            ])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
