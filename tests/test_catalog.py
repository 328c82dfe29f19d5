"""The content loader: real content loads; broken content names every problem and its file."""
import os
import shutil
from pathlib import Path

import pytest

from course.catalog import ContentError, load_catalog, slugify

from conftest import FIXTURES


@pytest.fixture
def tree(tmp_path):
    """A copy of the fixture course in tmp_path that a test can break."""
    shutil.copytree(FIXTURES / "content", tmp_path / "content")
    shutil.copytree(FIXTURES / "quizzes", tmp_path / "quizzes")
    return tmp_path


def load(tree):
    return load_catalog(tree / "content", tree / "quizzes", min_items_per_lesson=1)


def problems(tree) -> list[str]:
    with pytest.raises(ContentError) as info:
        load(tree)
    return info.value.problems


def test_fixture_course_loads_in_order(tree):
    course = load(tree)
    assert [m.slug for m in course.modules] == ["eerste-module", "tweede-module"]
    assert [l.slug for l in course.modules[0].lessons] == ["les-1", "les-2", "les-3"]
    lesson = course.lesson("eerste-module", "les-2")
    assert lesson.minutes == 10 and lesson.goals == ("Je kunt doel 2 noemen.",)
    assert "<table>" in lesson.html and 'class="admonition praktijk"' in lesson.html
    assert course.modules[0].quiz.pass_mark == 75
    assert course.minutes == 30 + 10 + 30 + 5


def test_objects_are_immutable(tree):
    course = load(tree)
    with pytest.raises(AttributeError):
        course.modules[0].title = "anders"


def test_broken_front_matter_names_file_and_line(tree):
    path = tree / "content/01-eerste-module/02-les-2.md"
    path.write_text("---\ntitle: Les\nminutes: [\n---\nTekst\n", encoding="utf-8")
    found = problems(tree)
    assert any(p.startswith(f"{path}:") and "ongeldige YAML" in p for p in found), found


def test_missing_front_matter_fields_are_all_listed(tree):
    path = tree / "content/01-eerste-module/01-les-1.md"
    path.write_text("---\ntitle: ''\nminutes: 0\n---\nTekst\n", encoding="utf-8")
    found = [p for p in problems(tree) if p.startswith(str(path))]
    assert any("'title'" in p for p in found)
    assert any("'minutes'" in p for p in found)
    assert any("'goals'" in p for p in found)


def test_every_problem_is_reported_at_once(tree):
    (tree / "content/01-eerste-module/01-les-1.md").write_text("geen front matter\n", encoding="utf-8")
    (tree / "content/02-tweede-module/module.yml").unlink()
    found = problems(tree)
    assert any("01-les-1.md:1: front matter ontbreekt" in p for p in found)
    assert any(p.startswith(str(tree / "content/02-tweede-module/module.yml")) and "ontbreekt" in p for p in found)


def test_duplicate_lesson_slug(tree):
    source = tree / "content/01-eerste-module/01-les-1.md"
    shutil.copy(source, tree / "content/01-eerste-module/09-les-1.md")
    found = problems(tree)
    assert any("09-les-1.md" in p and "les-slug 'les-1' bestaat al" in p for p in found), found


def test_duplicate_module_slug(tree):
    shutil.copytree(tree / "content/02-tweede-module", tree / "content/03-tweede-module")
    found = problems(tree)
    assert any("03-tweede-module" in p and "module-slug 'tweede-module' bestaat al" in p for p in found), found


def test_missing_course_file(tree):
    (tree / "content/course.yml").unlink()
    assert any(p.endswith("course.yml: bestand ontbreekt") for p in problems(tree))


def test_unknown_callout_is_named(tree):
    path = tree / "content/01-eerste-module/03-les-3.md"
    text = path.read_text(encoding="utf-8") + '\n!!! waarschuwing "Oei"\n    tekst\n'
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index('!!! waarschuwing "Oei"') + 1
    assert any(p.startswith(f"{path}:{line}: onbekend soort kader 'waarschuwing'") for p in problems(tree)), \
        problems(tree)


def test_duplicate_glossary_term_across_modules(tree):
    (tree / "content/02-tweede-module/begrippen.yml").write_text(
        "- term: Sensitiviteit\n  uitleg: Nog een keer.\n", encoding="utf-8")
    assert any("begrip 'Sensitiviteit' staat ook in module eerste-module" in p for p in problems(tree))


@pytest.mark.parametrize("term, anchor", [
    ("Intern werkmodel", "intern-werkmodel"), ("LSVG", "lsvg"), ("Vaste-gezichtencriterium", "vaste-gezichtencriterium"),
    ("Circle of Security", "circle-of-security"), ("Co-regulatie", "co-regulatie"), ("Ontremd (DSED)", "ontremd-dsed"),
])
def test_slugify(term, anchor):
    assert slugify(term) == anchor


def test_check_command_reports_broken_content(tree, monkeypatch):
    from click.testing import CliRunner

    from course.cli import content
    (tree / "content/01-eerste-module/01-les-1.md").write_text("kapot\n", encoding="utf-8")
    monkeypatch.setenv("CONTENT_DIR", str(tree / "content"))
    monkeypatch.setenv("QUIZ_DIR", str(tree / "quizzes"))
    monkeypatch.setenv("QUIZ_MIN_ITEMS_PER_LESSON", "1")
    result = CliRunner().invoke(content, ["check"])
    assert result.exit_code == 1
    assert "01-les-1.md:1: front matter ontbreekt" in result.output


def test_flask_finds_the_check_command_without_building_the_app(tree, tmp_path):
    """Broken content keeps the app from starting, yet `flask content check` still lists the problems."""
    import subprocess
    import sys
    (tree / "content/01-eerste-module/01-les-1.md").write_text("kapot\n", encoding="utf-8")
    env = {**os.environ, "CONTENT_DIR": str(tree / "content"), "QUIZ_DIR": str(tree / "quizzes"),
           "QUIZ_MIN_ITEMS_PER_LESSON": "1", "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(flask + ["content", "check"], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 1 and "01-les-1.md:1: front matter ontbreekt" in result.stderr + result.stdout
    result = subprocess.run(flask + ["routes"], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "De app start niet" in result.stderr


def test_app_refuses_to_start_with_broken_content(tree):
    from course import create_app
    (tree / "content/course.yml").write_text("title: [\n", encoding="utf-8")
    with pytest.raises(ContentError, match="course.yml"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "CONTENT_DIR": str(tree / "content"), "QUIZ_DIR": str(tree / "quizzes"),
                    "QUIZ_MIN_ITEMS_PER_LESSON": 1})


def test_check_command_passes_on_good_content(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "Inhoud in orde" in result.output


def test_module_without_quiz_is_refused(tree):
    (tree / "quizzes/02-tweede-module.yml").unlink()
    assert any("02-tweede-module: quiz ontbreekt" in p for p in problems(tree))


# ----- the "Wat doe ik nu?" guide (content/gids) -----

CARD = """---
title: Een kind wordt niet opgehaald
keywords: [ophalen, te laat]
lesson: {lesson}
---

## Wat doe je nu
- Blijf bij het kind.

## Wie bel je
- **112** bij direct gevaar.

## Wat schrijf je op
De tijd en wie je belde.
"""


def write_card(tree, name="niet-opgehaald", text=None, **fields) -> Path:
    path = tree / "content/gids" / f"{name}.md"
    path.write_text(text if text is not None else CARD.format(lesson=fields.get("lesson", "01-eerste-module/les-2")),
                    encoding="utf-8")
    return path


def test_guide_cards_load_as_frozen_objects_in_title_order(tree):
    write_card(tree)
    course = load(tree)
    assert [c.title for c in course.guide] == [
        "Een kind wordt niet opgehaald", "Een ouder komt onder invloed een kind halen", "Een ouder wil het dossier lezen"]
    card = course.guide_card("niet-opgehaald")
    assert (card.module_slug, card.lesson_slug, card.keywords) == ("eerste-module", "les-2", ("ophalen", "te laat"))
    assert '<h2 id="wie-bel-je">Wie bel je</h2>' in card.html
    assert '<strong><a href="tel:112">112</a></strong>' in card.html  # a national number dials with one tap
    assert "te laat" in card.search_text and "blijf bij het kind" in card.search_text
    with pytest.raises(AttributeError):
        card.title = "anders"
    assert course.guide_card("bestaat-niet") is None


def test_national_numbers_become_tel_links_but_not_inside_other_numbers_or_links():
    from markupsafe import Markup

    from course.catalog.guidefile import link_numbers
    html = link_numbers(Markup('<p>Bel 112 of Veilig Thuis 0800-2000, niet 1120 of 0800-20001; '
                               '<a href="/x">112</a></p>'))
    assert html == ('<p>Bel <a href="tel:112">112</a> of Veilig Thuis <a href="tel:08002000">0800-2000</a>, '
                    'niet 1120 of 0800-20001; <a href="/x">112</a></p>')


def test_card_linking_to_a_missing_lesson_names_the_file(tree):
    path = write_card(tree, lesson="01-eerste-module/les-9")
    assert f"{path}: 'lesson' '01-eerste-module/les-9': module 01-eerste-module heeft geen les 'les-9' " \
           "(de les-slug is de bestandsnaam zonder nummer en .md, bijvoorbeeld " \
           "04-praktische-handvatten/acuut-handelen)" in problems(tree)


@pytest.mark.parametrize("lesson", ["eerste-module/les-1", "09-negende/les-1", "01-eerste-module"])
def test_card_linking_to_a_missing_module_folder_names_the_file(tree, lesson):
    path = write_card(tree, lesson=lesson)
    found = problems(tree)
    if "/" in lesson:
        folder = lesson.split("/")[0]
        assert any(p.startswith(f"{path}: 'lesson' {lesson!r}: er is geen module-map content/{folder} ")
                   for p in found), found
    else:  # a module without a lesson: the module exists, the empty lesson slug does not
        assert any(p.startswith(f"{path}: 'lesson' {lesson!r}: module 01-eerste-module heeft geen les ''")
                   for p in found), found


def test_card_front_matter_is_required(tree):
    path = write_card(tree, text="---\ntitle: ''\nkeywords: []\nsoort: kaart\n---\n\n## Wat doe je nu\nx\n"
                                 "## Wie bel je\nx\n## Wat schrijf je op\nx\n")
    found = [p for p in problems(tree) if p.startswith(str(path))]
    assert f"{path}: 'title' ontbreekt of is leeg" in found
    assert f"{path}: 'keywords' moet een lijst met minstens één zoekwoord zijn" in found
    assert f"{path}: onbekende velden in front matter: soort" in found
    assert any(p.startswith(f"{path}: 'lesson' ontbreekt of is leeg") for p in found), found


def test_card_without_front_matter_names_line_one(tree):
    path = write_card(tree, text="## Wat doe je nu\nx\n")
    assert f"{path}:1: front matter ontbreekt (het bestand moet beginnen met een regel '---')" in problems(tree)


@pytest.mark.parametrize("body, found", [
    ("## Wat doe je nu\nx\n## Wat schrijf je op\nx\n", "'Wat doe je nu', 'Wat schrijf je op'"),
    ("## Wie bel je\nx\n## Wat doe je nu\nx\n## Wat schrijf je op\nx\n", "'Wie bel je', 'Wat doe je nu', 'Wat schrijf je op'"),
    ("## Wat doe je nu\nx\n## Wie bel je\nx\n## Wat schrijf je op\nx\n## Meer\nx\n",
     "'Wat doe je nu', 'Wie bel je', 'Wat schrijf je op', 'Meer'"),
    ("Alleen tekst.\n", "geen"),
])
def test_card_needs_the_three_sections_in_order(tree, body, found):
    path = write_card(tree, text="---\ntitle: Kaart\nkeywords: [x]\nlesson: 01-eerste-module/les-1\n---\n" + body)
    assert (f"{path}: een kaart heeft precies drie kopjes, in deze volgorde: '## Wat doe je nu', '## Wie bel je', "
            f"'## Wat schrijf je op' (gevonden: {found})") in problems(tree)


def test_card_section_without_text_callouts_and_other_headings_are_named(tree):
    path = write_card(tree, text="---\ntitle: Kaart\nkeywords: [x]\nlesson: 01-eerste-module/les-1\n---\n"
                                 "## Wat doe je nu\n### Eerst\nx\n!!! letop \"Let op\"\n    y\n"
                                 "## Wie bel je\n\n## Wat schrijf je op\nz\n")
    found = [p for p in problems(tree) if p.startswith(str(path))]
    assert f"{path}:7: gebruik alleen de kopjes '## ...' van de kaart (gevonden: '### Eerst')" in found
    assert f"{path}:9: een kaart heeft geen kaders (!!!), alleen de drie kopjes met tekst" in found
    assert f"{path}:11: onder '## Wie bel je' staat niets" in found


def test_card_slugs_are_file_names_and_titles_are_unique(tree):
    odd = write_card(tree, name="Niet_Opgehaald")
    twin = write_card(tree, name="zz-dubbel",
                      text=(tree / "content/gids/dossier-lezen.md").read_text(encoding="utf-8"))
    found = problems(tree)
    assert any(p.startswith(f"{odd}: bestandsnaam moet een slug zijn") for p in found), found
    assert f"{twin}: een kaart met de titel 'Een ouder wil het dossier lezen' bestaat al " \
           f"({tree / 'content/gids/dossier-lezen.md'})" in found


def test_content_without_a_guide_folder_loads_with_an_empty_guide(tree):
    shutil.rmtree(tree / "content/gids")
    assert load(tree).guide == ()
