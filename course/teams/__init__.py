"""Organisations, teams, managers and invitations, and the team report managers read.

One job per module: setup (organisations, teams, managers), access (who may see what), membership
(invitations, leaving, target date), report (the team table and a member's detail) and exports.
The names are gathered here, so callers write `teams.team_report(...)`.
"""
from course.teams.access import (
    can_manage,
    coach_of_member,
    coached_teams,
    has_coach,
    is_coach,
    is_manager,
    managed_teams,
    member_of,
    teams_of_member,
)
from course.teams.exports import FORMULA_START, export_csv, export_xlsx, safe_cell, team_certificates
from course.teams.membership import (
    join,
    normalise_code,
    remove_member,
    renew_invitation,
    set_target_date,
    team_for_code,
    team_for_invitation,
)
from course.teams.report import (
    SORTS,
    STATUS_FILTERS,
    MemberDetail,
    Row,
    TeamReport,
    TeamSummary,
    filtered,
    member_detail,
    team_report,
    team_summaries,
)
from course.teams.setup import (
    BEMIDDELING,
    COACH_ROLES,
    INVITE_DAYS,
    appoint_coach,
    appoint_manager,
    coaches_of,
    create_organisation,
    create_team,
    default_coach_role,
    find_organisation,
    managers_of,
    new_invite_token,
    new_join_code,
    organisations_with_team_counts,
    revoke_coach,
    revoke_manager,
    self_appointments,
)

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
