"""Quiz question types: one frozen dataclass per type, and each type is one unit.

A type's class is the only place that knows the type: it builds itself from quiz-file data
(collecting problems), reads a learner's answer from form fields, says whether an answer is
complete, grades it, gives its key, and builds the rows of its review. It names its two
partials, `templates/quiz/types/<name>.html` (the input) and `<name>_review.html` (the review).
A new type is one class in QUESTION_TYPES, two partials and its tests (quizzes/README.md).

Answers are plain JSON values so they can be stored with an attempt:
single -> option id; multiple -> sorted list of option ids;
classify -> {item id: category id}; order -> list of item ids.

Scoring (quizzes/README.md, "Punten"): partial credit never rewards guessing. A wrong tick
costs as much as a right tick earns, a wrong category costs what guessing would earn, an
order scores by the pairs it puts right minus the pairs it puts wrong; never below 0.
"""
from course.catalog.questions.base import ID_RE, SCORINGS, AnswerError, Choice, Grade, Problems, Question, ReviewRow
from course.catalog.questions.choice import MultipleChoice, SingleChoice
from course.catalog.questions.classify import Classify
from course.catalog.questions.order import Order

# The registry: a quiz file's `type:` names one of these. A new type is one module here, its two
# partials in templates/quiz/types/ and its tests (quizzes/README.md, "Een nieuw vraagtype").
QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type_name: cls for cls in (SingleChoice, MultipleChoice, Classify, Order)
}

__all__ = ["ID_RE", "QUESTION_TYPES", "SCORINGS", "AnswerError", "Choice", "Classify", "Grade", "MultipleChoice",
           "Order", "Problems", "Question", "ReviewRow", "SingleChoice"]
