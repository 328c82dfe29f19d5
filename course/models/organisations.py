"""Who buys and organises the course: organisations, their locations and teams, and who is in which team."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.text import utcnow

# The kinds of organisation that buy the course, with how they are named on screen.
ORGANISATION_KINDS = {"kinderopvang": "Kinderopvangorganisatie", "gastouderbureau": "Gastouderbureau"}


class Organisation(db.Model):
    """A childcare organisation or gastouderbureau that buys the course for its staff."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), default="kinderopvang")
    lrk_number: Mapped[str | None] = mapped_column(String(20), default=None)  # a gastouderbureau's LRK number
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teams: Mapped[list["Team"]] = relationship(back_populates="organisation", order_by="Team.name")

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KINDS.get(self.kind, self.kind)


class Team(db.Model):
    """A location or group within an organisation, with one renewable invitation link."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("organisation_id", "name", name="uq_teams_organisation_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    target_date: Mapped[date | None] = mapped_column(default=None)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id", ondelete="SET NULL"), default=None)
    invite_token: Mapped[str] = mapped_column(String(64), unique=True)
    invite_expires_at: Mapped[datetime] = mapped_column()
    # A short code for the same invitation, typed on the account page (a gastouder without the link); renewed with it.
    join_code: Mapped[str | None] = mapped_column(String(12), unique=True, index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Counted up by a database trigger whenever someone joins or leaves (course/teams/cache.py).
    members_version: Mapped[int] = mapped_column(default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship(back_populates="teams")


class TeamMembership(db.Model):
    __tablename__ = "team_memberships"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_team_memberships_team_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class TeamManager(db.Model):
    __tablename__ = "team_managers"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_team_managers_team_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    appointed_at: Mapped[datetime] = mapped_column(default=utcnow)


class TeamCoach(db.Model):
    """A coach of a team (pedagogisch coach, beleidsmedewerker): reviews the members' practice hand-ins."""

    __tablename__ = "team_coaches"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_team_coaches_team_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(100), default="Pedagogisch coach")  # printed on the praktijkverklaring
    appointed_at: Mapped[datetime] = mapped_column(default=utcnow)



class Location(db.Model):
    """A childcare location of an organisation, with its number in the Landelijk Register Kinderopvang."""

    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("organisation_id", "name", name="uq_locations_organisation_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    lrk_number: Mapped[str | None] = mapped_column(String(20), default=None)
