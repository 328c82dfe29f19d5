"""Question types: loading rules and pure grading over grids of answers."""
import shutil

import pytest

from course.catalog import ContentError, load_catalog
from course.catalog.questions import AnswerError, Classify, MultipleChoice, Order, Problems, SingleChoice

from conftest import FIXTURES


def build(cls, data):
    sink = []
    question = cls.build({"id": "v", "lesson": "les-1", "question": "Vraag?", **data}, Problems(sink, "quiz.yml: vraag v"))
    assert not sink, sink
    return question


def opts(*correct_flags):
    return [{"id": chr(97 + i), "text": f"Optie {i}", "correct": flag, "feedback": "Uitleg."}
            for i, flag in enumerate(correct_flags)]


@pytest.mark.parametrize("answer, points", [("a", 1.0), ("b", 0.0), ("c", 0.0), (None, 0.0)])
def test_single(answer, points):
    q = build(SingleChoice, {"options": opts(True, False, False)})
    assert q.grade(answer).points == points


@pytest.mark.parametrize("scoring, answer, points", [
    ("all_or_nothing", ["a", "b"], 1.0),
    ("all_or_nothing", ["a"], 0.0),
    ("all_or_nothing", ["a", "b", "c"], 0.0),
    ("all_or_nothing", [], 0.0),
    # partial (the default): (right ticks - wrong ticks) / right options, at least 0
    ("partial", ["a", "b"], 1.0),
    ("partial", ["a"], 0.5),  # one of two right answers: half, not 0.75 or 0.8
    ("partial", ["a", "b", "c"], 0.5),
    ("partial", ["a", "c"], 0.0),
    ("partial", ["a", "b", "c", "d"], 0.0),  # ticking everything earns nothing
    ("partial", ["c", "d"], 0.0),
    ("partial", [], 0.0),
])
def test_multiple(scoring, answer, points):
    q = build(MultipleChoice, {"options": opts(True, True, False, False), "scoring": scoring})
    assert q.grade(answer).points == pytest.approx(points)


def test_multiple_guessing_does_not_pay():
    """Over every possible set of ticks, the average score of a blind guess is far below a pass."""
    from itertools import combinations
    q = build(MultipleChoice, {"options": opts(True, True, False, False, False)})
    ids = ["a", "b", "c", "d", "e"]
    guesses = [list(c) for n in range(len(ids) + 1) for c in combinations(ids, n)]
    assert sum(q.grade(g).points for g in guesses) / len(guesses) < 0.2


CLASSIFY = {
    "categories": [{"id": "veilig", "text": "Veilig"}, {"id": "vermijdend", "text": "Vermijdend"}],
    "items": [{"id": "i1", "text": "Zoekt troost", "category": "veilig", "feedback": "x"},
              {"id": "i2", "text": "Kijkt weg", "category": "vermijdend", "feedback": "x"},
              {"id": "i3", "text": "Speelt en kijkt om", "category": "veilig", "feedback": "x"},
              {"id": "i4", "text": "Negeert de ouder", "category": "vermijdend", "feedback": "x"}],
}


@pytest.mark.parametrize("scoring, answer, points", [
    # partial: (right - wrong / (categories - 1)) / items, at least 0; two categories: right - wrong
    ("partial", {"i1": "veilig", "i2": "vermijdend", "i3": "veilig", "i4": "vermijdend"}, 1.0),
    ("partial", {"i1": "veilig", "i2": "vermijdend", "i3": "vermijdend", "i4": "vermijdend"}, 0.5),
    ("partial", {"i1": "veilig", "i2": "veilig", "i3": "vermijdend", "i4": "vermijdend"}, 0.0),
    ("partial", {"i1": "veilig"}, 0.25),
    ("partial", {}, 0.0),
    ("all_or_nothing", {"i1": "veilig", "i2": "vermijdend", "i3": "veilig", "i4": "vermijdend"}, 1.0),
    ("all_or_nothing", {"i1": "veilig", "i2": "vermijdend", "i3": "veilig"}, 0.0),
])
def test_classify(scoring, answer, points):
    q = build(Classify, {**CLASSIFY, "scoring": scoring})
    assert q.grade(answer).points == pytest.approx(points)


def test_classify_with_more_categories_charges_what_guessing_earns():
    data = {**CLASSIFY, "categories": CLASSIFY["categories"] + [{"id": "ambivalent", "text": "Ambivalent"}]}
    q = build(Classify, data)
    # 3 right, 1 wrong of 3 categories: (3 - 1/2) / 4
    assert q.grade({"i1": "veilig", "i2": "vermijdend", "i3": "veilig", "i4": "ambivalent"}).points == pytest.approx(0.625)


ORDER = {"items": [{"id": s, "text": s} for s in ("een", "twee", "drie", "vier")], "feedback": "Uitleg."}


@pytest.mark.parametrize("scoring, answer, points", [
    ("all_or_nothing", ["een", "twee", "drie", "vier"], 1.0),
    ("all_or_nothing", ["twee", "een", "drie", "vier"], 0.0),
    # partial: (pairs in the right order - pairs reversed) / 6 pairs, at least 0
    ("partial", ["een", "twee", "drie", "vier"], 1.0),
    ("partial", ["twee", "een", "drie", "vier"], pytest.approx(4 / 6)),
    ("partial", ["een", "drie", "twee", "vier"], pytest.approx(4 / 6)),
    ("partial", ["vier", "drie", "twee", "een"], 0.0),
    ("partial", ["drie", "vier", "een", "twee"], 0.0),
])
def test_order(scoring, answer, points):
    q = build(Order, {**ORDER, "scoring": scoring})
    assert q.grade(answer).points == pytest.approx(points)


def test_retired_lenient_scorings_are_refused_with_a_hint():
    sink = []
    MultipleChoice.build({"id": "v", "lesson": "les-1", "question": "V?", "options": opts(True, False),
                          "scoring": "per_option"}, Problems(sink, "quiz.yml: vraag v"))
    assert any("bestaat niet meer" in p for p in sink)


@pytest.mark.parametrize("form, expected", [
    ({"q-v": ["a"]}, "a"),
    ({}, None),
    ({"q-v": [""]}, None),
])
def test_single_parse(form, expected):
    assert build(SingleChoice, {"options": opts(True, False)}).parse(form) == expected


@pytest.mark.parametrize("cls, data, form", [
    (SingleChoice, {"options": opts(True, False)}, {"q-v": ["z"]}),
    (SingleChoice, {"options": opts(True, False)}, {"q-v": ["a", "b"]}),
    (MultipleChoice, {"options": opts(True, False)}, {"q-v": ["a", "x"]}),
    (Classify, CLASSIFY, {"q-v-i1": ["onbekend"]}),
    (Classify, CLASSIFY, {"q-v-i9": ["veilig"]}),
    (Order, ORDER, {"q-v-een": ["1"], "q-v-twee": ["1"], "q-v-drie": ["3"], "q-v-vier": ["4"]}),
    (Order, ORDER, {"q-v-een": ["9"]}),
    (Order, ORDER, {"q-v-een": ["nul"]}),
])
def test_parse_rejects_foreign_values(cls, data, form):
    with pytest.raises(AnswerError):
        build(cls, data).parse(form)


def test_order_parse_turns_positions_into_a_sequence():
    q = build(Order, ORDER)
    form = {"q-v-een": ["2"], "q-v-twee": ["1"], "q-v-drie": ["4"], "q-v-vier": ["3"]}
    assert q.parse(form) == ["twee", "een", "vier", "drie"]


@pytest.fixture
def quiz_tree(tmp_path):
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "quizzes", tmp_path / "quizzes")
    return tmp_path


def quiz_problems(tree, old: str, new: str) -> list[str]:
    path = tree / "quizzes/01-eerste-module.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_catalog(tree / "content", tree / "quizzes", min_items_per_lesson=1)
    return [p for p in info.value.problems if p.startswith(str(path))]


@pytest.mark.parametrize("old, new, message", [
    ("type: single", "type: open", "vraag enkel: onbekend type 'open'"),
    ("id: meer", "id: enkel", "vraag enkel: id 'enkel' komt twee keer voor"),
    ("{id: a, text: Vermijdend, correct: true,", "{id: a, text: Vermijdend, correct: false,", "vraag enkel: een 'single'-vraag heeft precies één"),
    ("category: veilig, feedback: Troost", "category: angstig, feedback: Troost", "vraag sorteer: item 'troost': categorie 'angstig' bestaat niet"),
    ("lesson: les-1", "lesson: les-99", "vraag enkel: les 'les-99' bestaat niet"),
    ("pass_mark: 75", "pass_mark: 120", "'pass_mark' moet een geheel getal van 1 tot 100 zijn"),
    ("draw: 4", "draw: 40", "de bank heeft 5 vragen, minder dan 'draw' (40)"),
    ("question: Welke stijl past hierbij?", "question: ''", "vraag enkel: 'question' ontbreekt"),
    ("feedback: Nee, jij signaleert.", "feedback: ''", "vraag extra, options 2: 'feedback' ontbreekt"),
])
def test_broken_quiz_names_file_and_question(quiz_tree, old, new, message):
    found = quiz_problems(quiz_tree, old, new)
    assert any(message in p for p in found), found


def test_quiz_without_module_folder(quiz_tree):
    shutil.copy(quiz_tree / "quizzes/01-eerste-module.yml", quiz_tree / "quizzes/09-weg.yml")
    with pytest.raises(ContentError, match="09-weg.yml: er is geen module-map"):
        load_catalog(quiz_tree / "content", quiz_tree / "quizzes", min_items_per_lesson=1)


@pytest.mark.parametrize("old, new, message", [
    ("blueprint:\n  les-1: 1\n  les-2: 2\n  les-3: 1\n", "", "'blueprint' ontbreekt"),
    ("  les-3: 1\n", "", "blueprint: les 'les-3' ontbreekt; elke poging moet elke les toetsen"),
    ("  les-3: 1\n", "  les-3: 1\n  les-9: 1\n", "blueprint: les 'les-9' bestaat niet"),
    ("  les-2: 2\n", "  les-2: 1\n", "blueprint telt op tot 3 vragen, maar 'draw' is 4"),
    ("  les-2: 2\n", "  les-2: 0\n", "blueprint: les-2: moet een geheel getal van minstens 1 zijn"),
    ("  les-2: 2\n", "  les-2: 3\n", "blueprint: les-2: de bank heeft 2 vragen bij deze les"),
    ("id: extra", "id: enkel-twee", "vraag enkel: dit id is het begin van enkel-twee"),
])
def test_blueprint_and_id_problems_name_the_file(quiz_tree, old, new, message):
    found = quiz_problems(quiz_tree, old, new)
    assert any(message in p for p in found), found


def test_a_bank_must_fill_its_blueprint_with_room_to_spare(quiz_tree):
    """With the real rule (3 per lesson), the small fixture bank is refused, lesson by lesson."""
    with pytest.raises(ContentError) as info:
        load_catalog(quiz_tree / "content", quiz_tree / "quizzes", min_items_per_lesson=3)
    assert any("les-1: de bank heeft 1 vragen bij deze les; voor 1 per poging zijn er minstens 3 nodig" in p
               for p in info.value.problems), info.value.problems


def test_every_draw_follows_the_blueprint(course):
    import random

    from course.attempts import draw as draw_items
    quiz = course.module("eerste-module").quiz
    rng = random.Random(7)
    for _ in range(200):
        lessons = [quiz.question(entry["q"]).lesson for entry in draw_items(quiz, rng)]
        assert lessons == ["les-1", "les-2", "les-2", "les-3"]
