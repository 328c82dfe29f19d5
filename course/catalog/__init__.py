"""The course catalog: content/ and quizzes/ as immutable objects, loaded once."""
from flask import current_app

from .loader import ContentError, load_catalog, slugify
from .model import Course, Lesson, Module, Page, Quiz, Term

__all__ = ["ContentError", "Course", "Lesson", "Module", "Page", "Quiz", "Term", "get_course", "load_catalog",
           "slugify"]


def get_course() -> Course:
    """Return the course loaded at start-up for the current app."""
    return current_app.extensions["course"]
