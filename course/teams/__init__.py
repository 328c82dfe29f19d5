"""Organisations, teams, managers and invitations, and the team report managers read.

One job per module: setup (organisations, teams, managers), access (who may see what), membership
(invitations, leaving, target date), report (the team table and a member's detail) and exports.
The names are gathered here, so callers write `teams.team_report(...)`.
"""
from course.teams.setup import (
    create_organisation, new_invite_token, create_team, appoint_manager, revoke_manager,
    managers_of, find_organisation, organisations_with_team_counts, INVITE_DAYS, COACH_ROLES, appoint_coach,
    revoke_coach, coaches_of, new_join_code, default_coach_role, BEMIDDELING, self_appointments,
)
from course.teams.access import (
    is_manager, can_manage, managed_teams, teams_of_member, member_of, is_coach, coached_teams, coach_of_member,
    has_coach,
)
from course.teams.membership import (
    renew_invitation, team_for_invitation, join, remove_member, set_target_date, team_for_code, normalise_code,
)
from course.teams.report import (
    Row, TeamReport, team_report, TeamSummary, team_summaries, filtered, MemberDetail,
    member_detail, STATUS_FILTERS, SORTS,
)
from course.teams.exports import safe_cell, export_csv, export_xlsx, team_certificates, FORMULA_START

__all__ = [
    "create_organisation", "new_invite_token", "create_team", "appoint_manager", "revoke_manager",
    "managers_of", "find_organisation", "organisations_with_team_counts", "INVITE_DAYS", "is_manager",
    "can_manage", "managed_teams", "teams_of_member", "member_of", "renew_invitation",
    "team_for_invitation", "join", "remove_member", "set_target_date", "Row", "TeamReport", "team_report",
    "TeamSummary", "team_summaries", "filtered", "MemberDetail", "member_detail", "STATUS_FILTERS", "SORTS",
    "safe_cell", "export_csv", "export_xlsx", "team_certificates", "FORMULA_START", "COACH_ROLES", "appoint_coach",
    "revoke_coach", "coaches_of", "is_coach", "new_join_code", "default_coach_role", "BEMIDDELING",
    "team_for_code", "normalise_code", "coached_teams", "coach_of_member", "has_coach",
    "self_appointments",
]
