"""The lesson page is rendered once per lesson, state and menu, and shared: it must equal a page
rendered for the viewer alone, and can never carry one learner's data to another."""
import re

import pytest
from flask import render_template, render_template_string
from markupsafe import Markup, escape

from course import teams
from course.extensions import db
from course.models import Organisation, User
from course.web import shared_pages
from course.web.shared_pages import SharedPageError
from course.web.views import learn

from conftest import PASSWORD, csrf_token

LESSON = "/cursus/eerste-module/les-2"


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', 'name="csrf_token" value="TOKEN"', html)


def render_alone(template, key, viewer, *, slots=None, **context):
    """The view's page rendered the ordinary way, for this viewer only (what the shared page replaces)."""
    slots = slots or {}
    return Markup(render_template(template, slot=lambda name: slots[name] if isinstance(slots[name], Markup)
                                  else escape(slots[name]), **context))


def make_manager(app, user_id):
    with app.app_context():
        organisation = teams.create_organisation(db.session, None, "Kinderopvang De Linde")
        team = teams.create_team(db.session, None, db.session.get(Organisation, organisation.id), "Peuters")
        teams.appoint_manager(db.session, None, team, db.session.get(User, user_id))
        db.session.remove()


@pytest.mark.parametrize("role", ["learner", "learner who finished the lesson", "manager", "administrator"])
def test_shared_lesson_page_equals_the_page_rendered_for_the_viewer_alone(client, app, auth, make_user, monkeypatch,
                                                                        role):
    user_id = make_user(name="Fenna de Vries", email="fenna@voorbeeld.nl", is_admin=role == "administrator")
    if role == "manager":
        make_manager(app, user_id)
    auth.login("fenna@voorbeeld.nl")
    if role.endswith("finished the lesson"):
        token = csrf_token(client.get(LESSON).get_data(as_text=True))
        client.post(f"{LESSON}/afgerond", data={"csrf_token": token}, follow_redirects=True)  # shows its message

    first = client.get(LESSON).get_data(as_text=True)   # rendered and stored, or from the store
    shared = client.get(LESSON).get_data(as_text=True)  # served from the store
    monkeypatch.setattr(learn, "render_shared", render_alone)
    alone = client.get(LESSON).get_data(as_text=True)

    assert without_tokens(shared) == without_tokens(alone) == without_tokens(first)
    assert ("Je hebt deze les afgerond" in shared) == role.endswith("finished the lesson")
    assert ('href="/teams/"' in shared or "Mijn teams" in shared) == (role in ("manager", "administrator"))
    assert ("Beheer" in shared) == (role == "administrator")


def test_each_learner_gets_a_csrf_token_of_their_own_that_works(app, make_user, auth, client):
    make_user(email="a@voorbeeld.nl")
    make_user(email="b@voorbeeld.nl")
    other = app.test_client()
    auth.login("a@voorbeeld.nl")
    other.post("/inloggen", data={"email": "b@voorbeeld.nl", "password": PASSWORD,
                                  "csrf_token": csrf_token(other.get("/inloggen").get_data(as_text=True))})
    token_a = csrf_token(client.get(LESSON).get_data(as_text=True))
    token_b = csrf_token(other.get(LESSON).get_data(as_text=True))
    assert token_a != token_b
    # A's token does not work in B's session; B's own token does.
    assert other.post(f"{LESSON}/afgerond", data={"csrf_token": token_a}).headers["Location"] == LESSON
    assert other.post(f"{LESSON}/afgerond", data={"csrf_token": token_b}).headers["Location"].endswith("/les-3")
    assert "Je hebt deze les afgerond" in other.get(LESSON).get_data(as_text=True)
    assert "Je hebt deze les afgerond" not in client.get(LESSON).get_data(as_text=True)


def test_a_waiting_message_is_shown_on_the_shared_page(client, learner):
    client.post(f"{LESSON}/afgerond", data={})  # no CSRF token: a Dutch message, back to the lesson
    html = client.get(LESSON).get_data(as_text=True)
    assert "De pagina was verlopen" in html
    assert "De pagina was verlopen" not in client.get(LESSON).get_data(as_text=True)


@pytest.mark.parametrize("template_text", [
    "{{ current_user.name }}",
    "{{ current_user.email }}",
    "{{ request.remote_addr }}",
    "{{ session['_user_id'] }}",
    "{{ session.get('_user_id') }}",
    "{{ g._login_user }}",
])
def test_a_shared_page_that_asks_for_personal_data_fails_loudly(app, monkeypatch, template_text):
    monkeypatch.setattr(shared_pages, "render_template",
                        lambda name, **context: render_template_string(template_text, **context))
    with app.test_request_context("/cursus/eerste-module/les-1"):
        with pytest.raises(SharedPageError, match="gedeelde pagina"):
            shared_pages.render_shared("probe.html", (template_text,),
                                       {"is_authenticated": True, "is_admin": False, "is_manager": False})



@pytest.mark.parametrize("template_text, slots, problem", [
    ("{{ slot('reflectie') }}", {}, "geeft die niet"),                       # asked for, not given
    ("<p>zonder plek</p>", {"reflectie": "tekst"}, "precies één keer"),       # given, not placed
    ("{{ slot('a') }}{{ slot('a') }}", {"a": "x"}, "precies één keer"),       # placed twice
])
def test_a_slot_is_given_and_placed_exactly_once_or_the_page_fails_loudly(app, monkeypatch, template_text, slots,
                                                                          problem):
    monkeypatch.setattr(shared_pages, "render_template",
                        lambda name, **context: render_template_string(template_text, **context))
    with app.test_request_context("/cursus/eerste-module/les-1"):
        with pytest.raises(SharedPageError, match=problem):
            shared_pages.render_shared("probe.html", (template_text,), {"is_authenticated": True}, slots=slots)


def test_slots_are_filled_per_request_text_escaped_and_markup_as_given(app, monkeypatch):
    template_text = "<form>{{ csrf_token() }}</form><textarea>{{ slot('tekst') }}</textarea>{{ slot('blok') }}"
    monkeypatch.setattr(shared_pages, "render_template",
                        lambda name, **context: render_template_string(template_text, **context))
    with app.test_request_context("/cursus/eerste-module/les-1"):
        first = shared_pages.render_shared("probe.html", ("k",), {"is_authenticated": True},
                                           slots={"tekst": "<b>Anna</b>", "blok": Markup("<p>1</p>")})
        second = shared_pages.render_shared("probe.html", ("k",), {"is_authenticated": True},
                                            slots={"tekst": "Bram", "blok": Markup("<p>2</p>")})
    assert "<textarea>&lt;b&gt;Anna&lt;/b&gt;</textarea><p>1</p>" in first
    assert "<textarea>Bram</textarea><p>2</p>" in second and "Anna" not in second
    assert "\x00" not in first + second
