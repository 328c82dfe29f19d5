"""The course catalog: content/ and quizzes/ as immutable objects, loaded once."""
from course.catalog.loader import ContentError, load_catalog, slugify
from course.catalog.model import Course, GuideCard, Lesson, Module, Page, Quiz, Term

__all__ = ["ContentError", "Course", "GuideCard", "Lesson", "Module", "Page", "Quiz", "Term", "load_catalog",
           "slugify"]
