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
    ("per_option", ["a", "b"], 1.0),
    ("per_option", ["a"], 0.75),
    ("per_option", ["a", "c"], 0.5),
    ("per_option", ["c", "d"], 0.0),
    ("per_option", [], 0.5),
])
def test_multiple(scoring, answer, points):
    q = build(MultipleChoice, {"options": opts(True, True, False, False), "scoring": scoring})
    assert q.grade(answer).points == pytest.approx(points)


CLASSIFY = {
    "categories": [{"id": "veilig", "text": "Veilig"}, {"id": "vermijdend", "text": "Vermijdend"}],
    "items": [{"id": "i1", "text": "Zoekt troost", "category": "veilig", "feedback": "x"},
              {"id": "i2", "text": "Kijkt weg", "category": "vermijdend", "feedback": "x"},
              {"id": "i3", "text": "Speelt en kijkt om", "category": "veilig", "feedback": "x"},
              {"id": "i4", "text": "Negeert de ouder", "category": "vermijdend", "feedback": "x"}],
}


@pytest.mark.parametrize("scoring, answer, points", [
    ("per_item", {"i1": "veilig", "i2": "vermijdend", "i3": "veilig", "i4": "vermijdend"}, 1.0),
    ("per_item", {"i1": "veilig", "i2": "vermijdend", "i3": "vermijdend", "i4": "vermijdend"}, 0.75),
    ("per_item", {"i1": "veilig"}, 0.25),
    ("per_item", {}, 0.0),
    ("all_or_nothing", {"i1": "veilig", "i2": "vermijdend", "i3": "veilig", "i4": "vermijdend"}, 1.0),
    ("all_or_nothing", {"i1": "veilig", "i2": "vermijdend", "i3": "veilig"}, 0.0),
])
def test_classify(scoring, answer, points):
    q = build(Classify, {**CLASSIFY, "scoring": scoring})
    assert q.grade(answer).points == pytest.approx(points)


ORDER = {"items": [{"id": s, "text": s} for s in ("een", "twee", "drie", "vier")], "feedback": "Uitleg."}


@pytest.mark.parametrize("scoring, answer, points", [
    ("all_or_nothing", ["een", "twee", "drie", "vier"], 1.0),
    ("all_or_nothing", ["twee", "een", "drie", "vier"], 0.0),
    ("per_position", ["twee", "een", "drie", "vier"], 0.5),
    ("per_position", ["vier", "drie", "twee", "een"], 0.0),
    ("per_position", ["een", "twee", "drie", "vier"], 1.0),
])
def test_order(scoring, answer, points):
    q = build(Order, {**ORDER, "scoring": scoring})
    assert q.grade(answer).points == pytest.approx(points)


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
        load_catalog(tree / "content", tree / "quizzes")
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
        load_catalog(quiz_tree / "content", quiz_tree / "quizzes")
