//! Who may do what: one pure function, [`can`], decides every access in Trustbox.
//!
//! Privacy by construction: the installation administrator runs the system but never reads an
//! appeal; inside a school only the responsible person sees every case, everybody else sees a
//! case only when assigned to it; analysts see aggregated numbers only.

use serde::{Deserialize, Serialize};

/// A role granted to a user on an org unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The social pedagogue or psychologist who holds the "key" of the school's box.
    Responsible,
    /// A member of the school's trust-box commission.
    Commission,
    Director,
    /// The trust-phone operator: logs calls and voicemail.
    Operator,
    /// A district/region/ministry analyst: aggregated statistics only.
    Analyst,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Responsible,
        Role::Commission,
        Role::Director,
        Role::Operator,
        Role::Analyst,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Responsible => "responsible",
            Role::Commission => "commission",
            Role::Director => "director",
            Role::Operator => "operator",
            Role::Analyst => "analyst",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.code() == s)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Role::Responsible => "role-responsible",
            Role::Commission => "role-commission",
            Role::Director => "role-director",
            Role::Operator => "role-operator",
            Role::Analyst => "role-analyst",
        }
    }

    /// School roles are granted on a school; [`Role::Analyst`] on a country, region or district
    /// (or a school, for a school-level analyst).
    pub fn is_school_role(self) -> bool {
        !matches!(self, Role::Analyst)
    }

    /// Whether a holder of this role can ever read a letter at the unit: every school role does
    /// (the responsible person all of them, the others those assigned to them); an analyst
    /// never does. A grant of such a role by an administrator waits for confirmation (see
    /// [`grant_needs_confirmation`]).
    pub fn reads_letters(self) -> bool {
        self.is_school_role()
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A role on an org unit (by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub unit: i64,
    /// Granted but not yet confirmed (see [`may_confirm`]): a pending grant allows nothing.
    #[serde(default)]
    pub pending: bool,
}

impl Grant {
    /// A confirmed grant.
    pub fn confirmed(role: Role, unit: i64) -> Grant {
        Grant {
            role,
            unit,
            pending: false,
        }
    }
}

/// Whether a grant of `role` made by a logged-in administrator must wait for a confirmation
/// before it allows anything: every role that can read letters does. The administrator runs
/// the system and never reads a letter; a grant that would let them (or anyone they choose)
/// read is therefore made by two people: the administrator who asks, and the school's director
/// or a second administrator who confirms (see [`may_confirm`]).
pub fn grant_needs_confirmation(role: Role) -> bool {
    role.reads_letters()
}

/// Why a confirmation (or a refusal) of a pending grant is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmRefusal {
    /// The grant is for the person asking: nobody confirms their own access.
    ForYourself,
    /// The person asking made the grant: the second pair of eyes must be someone else.
    OwnGrant,
    /// Only the school's (confirmed) director or an administrator may decide.
    NotDirectorNorAdmin,
}

impl ConfirmRefusal {
    pub fn message_id(self) -> &'static str {
        match self {
            ConfirmRefusal::ForYourself => "grant-err-for-yourself",
            ConfirmRefusal::OwnGrant => "grant-err-own-grant",
            ConfirmRefusal::NotDirectorNorAdmin => "grant-err-not-director",
        }
    }
}

/// Whether `decider` may confirm — or refuse — the pending `grant` of `grantee`, made by
/// `granted_by` (`None` when made on the command line).
///
/// | decider | may decide |
/// |---|---|
/// | the grantee | never (not even an administrator or director) |
/// | the administrator who made the grant | never |
/// | a confirmed director of the grant's unit | yes |
/// | another administrator | yes |
/// | anyone else, a pending director included | no |
pub fn may_confirm(
    decider: &Actor,
    grant: Grant,
    grantee: i64,
    granted_by: Option<i64>,
) -> Result<(), ConfirmRefusal> {
    if decider.user_id == grantee {
        return Err(ConfirmRefusal::ForYourself);
    }
    if granted_by == Some(decider.user_id) {
        return Err(ConfirmRefusal::OwnGrant);
    }
    let director = decider
        .grants
        .iter()
        .any(|g| !g.pending && g.role == Role::Director && g.unit == grant.unit);
    if director || decider.is_admin {
        Ok(())
    } else {
        Err(ConfirmRefusal::NotDirectorNorAdmin)
    }
}

/// The user asking, with everything [`can`] needs to know about them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: i64,
    /// The installation administrator (IT): runs the system, never reads appeals.
    pub is_admin: bool,
    pub grants: Vec<Grant>,
}

/// Something a user wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Installation settings, keys, backups, org units, users.
    ManageInstallation,
    /// A school's settings (schedule, answer days, calendar edits, public page).
    ManageSchool,
    /// A school's staff page (not the inbox).
    ViewSchool,
    /// The inbox page of a school. It must list only the appeals for which
    /// [`Action::ReadAppeal`] holds: for a commission member or director that is their
    /// assigned appeals.
    ViewInbox,
    /// Read an appeal's content and the author's contact details.
    ReadAppeal,
    /// Register an appeal by hand (phone call, paper letter, in person).
    CreateAppeal,
    /// Change status, write notes, answers, measures, forwardings.
    WorkAppeal,
    /// Assign people to an appeal.
    AssignAppeal,
    /// Record a box opening and its act.
    RecordOpening,
    /// Appoint the commission by the director's order: members, positions, boxes and their
    /// schedule.
    ManageCommission,
    /// See the commission, its boxes, openings and meetings (the acts and protocols hold
    /// personal data of letters and pupils).
    ViewCommission,
    /// Hold a meeting: write its protocol, record the election of chair and secretary.
    WriteProtocol,
    /// The school's reports (counts, no content).
    ViewSchoolReports,
    /// Aggregated statistics across schools, small counts hidden.
    ViewRollup,
    /// The audit log (who did what, when; no content).
    ViewAudit,
    /// The trust phone line: numbers, responsible people, hours, off-hours answering text.
    ManagePhone,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::ManageInstallation,
        Action::ManageSchool,
        Action::ViewSchool,
        Action::ViewInbox,
        Action::ReadAppeal,
        Action::CreateAppeal,
        Action::WorkAppeal,
        Action::AssignAppeal,
        Action::RecordOpening,
        Action::ManageCommission,
        Action::ViewCommission,
        Action::WriteProtocol,
        Action::ViewSchoolReports,
        Action::ViewRollup,
        Action::ViewAudit,
        Action::ManagePhone,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::ManageInstallation => "manage_installation",
            Action::ManageSchool => "manage_school",
            Action::ViewSchool => "view_school",
            Action::ViewInbox => "view_inbox",
            Action::ReadAppeal => "read_appeal",
            Action::CreateAppeal => "create_appeal",
            Action::WorkAppeal => "work_appeal",
            Action::AssignAppeal => "assign_appeal",
            Action::RecordOpening => "record_opening",
            Action::ManageCommission => "manage_commission",
            Action::ViewCommission => "view_commission",
            Action::WriteProtocol => "write_protocol",
            Action::ViewSchoolReports => "view_school_reports",
            Action::ViewRollup => "view_rollup",
            Action::ViewAudit => "view_audit",
            Action::ManagePhone => "manage_phone",
        }
    }

    /// Actions whose target is a single appeal.
    pub fn is_appeal_action(self) -> bool {
        matches!(
            self,
            Action::ReadAppeal | Action::WorkAppeal | Action::AssignAppeal
        )
    }
}

/// What an action is applied to. `path` is the unit ids from the root down to the unit itself,
/// inclusive; for an appeal, the path of its school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    Installation,
    Unit {
        path: &'a [i64],
    },
    Appeal {
        path: &'a [i64],
        assignees: &'a [i64],
    },
}

/// Whether `actor` may do `action` on `target`.
///
/// Targets: appeal actions (`ReadAppeal`, `WorkAppeal`, `AssignAppeal`) need
/// [`Target::Appeal`]; `ManageInstallation` needs [`Target::Installation`]; `ViewAudit` takes
/// `Installation` (admin: the whole log) or a `Unit`; every other action needs a
/// [`Target::Unit`]. A wrong kind of target is refused. A school role applies when the granted
/// unit is the target's own unit (the last id of `path`); an analyst grant applies to its unit
/// and everything below it (`path` contains the unit).
///
/// "own" = a grant on the target's school; "assigned" = `user_id` is in the appeal's
/// `assignees`. Y = yes, – = no, A = only when assigned.
///
/// | action | admin | responsible | commission | director | operator | analyst |
/// |---|---|---|---|---|---|---|
/// | ManageInstallation | Y | – | – | – | – | – |
/// | ManageSchool | Y (any unit) | own | – | – | – | – |
/// | ViewSchool | Y (any unit) | own | own | own | own | – |
/// | ViewInbox | – | own | own (lists assigned only) | own (lists assigned only) | – | – |
/// | ReadAppeal | – | own | own, A | own, A | own, A | – |
/// | CreateAppeal | – | own | own (paper letters at an opening) | – | own (calls) | – |
/// | WorkAppeal | – | own | own, A | own, A | own, A | – |
/// | AssignAppeal | – | own | – | – | – | – |
/// | RecordOpening | – | own | own | – | – | – |
/// | ManageCommission | – | own | – | own (appoints by order) | – | – |
/// | ViewCommission | – | own | own | own | – | – |
/// | WriteProtocol | – | own | own | – | – | – |
/// | ViewSchoolReports | – | own | own | own | – | – |
/// | ViewRollup | – | – | – | – | – | inside their unit |
/// | ViewAudit | Y (any) | own | – | own | – | – |
/// | ManagePhone | Y (any unit) | own | – | own | – | – |
///
/// Roles add up: a user with several grants may do what any of them allows; an administrator
/// who is also a school's responsible person reads that school's appeals as its responsible
/// person, not as administrator. A pending grant (not yet confirmed, see [`may_confirm`])
/// allows nothing at all.
pub fn can(actor: &Actor, action: Action, target: &Target) -> bool {
    if actor.is_admin && admin_can(action, target) {
        return true;
    }
    actor
        .grants
        .iter()
        .filter(|g| !g.pending)
        .any(|g| grant_can(actor.user_id, *g, action, target))
}

fn admin_can(action: Action, target: &Target) -> bool {
    matches!(
        (action, target),
        (Action::ManageInstallation, Target::Installation)
            | (
                Action::ManageSchool | Action::ViewSchool | Action::ManagePhone,
                Target::Unit { .. }
            )
            | (
                Action::ViewAudit,
                Target::Installation | Target::Unit { .. }
            )
    )
}

fn grant_can(user_id: i64, grant: Grant, action: Action, target: &Target) -> bool {
    use Action::*;
    use Role::*;

    if grant.role == Analyst {
        return match (action, target) {
            (ViewRollup, Target::Unit { path }) => path.contains(&grant.unit),
            _ => false,
        };
    }

    // school roles: on the target's own unit only
    let (path, assigned) = match target {
        Target::Installation => return false,
        Target::Unit { path } => {
            if action.is_appeal_action() {
                return false;
            }
            (*path, false)
        }
        Target::Appeal { path, assignees } => {
            if !action.is_appeal_action() {
                return false;
            }
            (*path, assignees.contains(&user_id))
        }
    };
    if path.last() != Some(&grant.unit) {
        return false;
    }

    match (grant.role, action) {
        (_, ManageInstallation | ViewRollup) => false,
        (Responsible, _) => true,
        (Commission | Director | Operator, ReadAppeal | WorkAppeal) => assigned,
        (Commission | Director | Operator, ViewSchool) => true,
        (Commission | Director, ViewInbox | ViewSchoolReports) => true,
        (Commission, CreateAppeal | RecordOpening | WriteProtocol) => true,
        (Commission | Director, ViewCommission) => true,
        (Director, ManageCommission | ViewAudit | ManagePhone) => true,
        (Operator, CreateAppeal) => true,
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    const ME: i64 = 7;
    const OTHER_USER: i64 = 8;
    // country 1 > region 10 > district 100 > school 1000 (own);
    // country 1 > region 20 > district 200 > school 2000 (other)
    const OWN_SCHOOL: &[i64] = &[1, 10, 100, 1000];
    const OTHER_SCHOOL: &[i64] = &[1, 20, 200, 2000];

    /// Who is asking in the exhaustive test.
    #[derive(Debug, Clone, Copy)]
    enum Who {
        Admin,
        R(Role),
    }

    fn actor(who: Who) -> Actor {
        match who {
            Who::Admin => Actor {
                user_id: ME,
                is_admin: true,
                grants: vec![],
            },
            Who::R(Role::Analyst) => Actor {
                user_id: ME,
                is_admin: false,
                // analyst of district 100, which contains the own school
                grants: vec![Grant::confirmed(Role::Analyst, 100)],
            },
            Who::R(role) => Actor {
                user_id: ME,
                is_admin: false,
                grants: vec![Grant::confirmed(role, 1000)],
            },
        }
    }

    /// Expected results per (who, action), in the order:
    /// own school & assigned, own school & not assigned, other school & assigned,
    /// other school & not assigned. For non-appeal actions "assigned" makes no difference
    /// (the target is the school unit); for ManageInstallation the target is the installation.
    #[rustfmt::skip]
    const EXPECTED: &[(&str, Action, &str)] = &[
        ("admin", Action::ManageInstallation, "YYYY"),
        ("admin", Action::ManageSchool,       "YYYY"),
        ("admin", Action::ViewSchool,         "YYYY"),
        ("admin", Action::ViewInbox,          "----"),
        ("admin", Action::ReadAppeal,         "----"),
        ("admin", Action::CreateAppeal,       "----"),
        ("admin", Action::WorkAppeal,         "----"),
        ("admin", Action::AssignAppeal,       "----"),
        ("admin", Action::RecordOpening,      "----"),
        ("admin", Action::ManageCommission,   "----"),
        ("admin", Action::ViewCommission,     "----"),
        ("admin", Action::WriteProtocol,      "----"),
        ("admin", Action::ViewSchoolReports,  "----"),
        ("admin", Action::ViewRollup,         "----"),
        ("admin", Action::ViewAudit,          "YYYY"),
        ("admin", Action::ManagePhone,        "YYYY"),

        ("responsible", Action::ManageInstallation, "----"),
        ("responsible", Action::ManageSchool,       "YY--"),
        ("responsible", Action::ViewSchool,         "YY--"),
        ("responsible", Action::ViewInbox,          "YY--"),
        ("responsible", Action::ReadAppeal,         "YY--"),
        ("responsible", Action::CreateAppeal,       "YY--"),
        ("responsible", Action::WorkAppeal,         "YY--"),
        ("responsible", Action::AssignAppeal,       "YY--"),
        ("responsible", Action::RecordOpening,      "YY--"),
        ("responsible", Action::ManageCommission,   "YY--"),
        ("responsible", Action::ViewCommission,     "YY--"),
        ("responsible", Action::WriteProtocol,      "YY--"),
        ("responsible", Action::ViewSchoolReports,  "YY--"),
        ("responsible", Action::ViewRollup,         "----"),
        ("responsible", Action::ViewAudit,          "YY--"),
        ("responsible", Action::ManagePhone,        "YY--"),

        ("commission", Action::ManageInstallation, "----"),
        ("commission", Action::ManageSchool,       "----"),
        ("commission", Action::ViewSchool,         "YY--"),
        ("commission", Action::ViewInbox,          "YY--"),
        ("commission", Action::ReadAppeal,         "Y---"),
        ("commission", Action::CreateAppeal,       "YY--"),
        ("commission", Action::WorkAppeal,         "Y---"),
        ("commission", Action::AssignAppeal,       "----"),
        ("commission", Action::RecordOpening,      "YY--"),
        ("commission", Action::ManageCommission,   "----"),
        ("commission", Action::ViewCommission,     "YY--"),
        ("commission", Action::WriteProtocol,      "YY--"),
        ("commission", Action::ViewSchoolReports,  "YY--"),
        ("commission", Action::ViewRollup,         "----"),
        ("commission", Action::ViewAudit,          "----"),
        ("commission", Action::ManagePhone,        "----"),

        ("director", Action::ManageInstallation, "----"),
        ("director", Action::ManageSchool,       "----"),
        ("director", Action::ViewSchool,         "YY--"),
        ("director", Action::ViewInbox,          "YY--"),
        ("director", Action::ReadAppeal,         "Y---"),
        ("director", Action::CreateAppeal,       "----"),
        ("director", Action::WorkAppeal,         "Y---"),
        ("director", Action::AssignAppeal,       "----"),
        ("director", Action::RecordOpening,      "----"),
        ("director", Action::ManageCommission,   "YY--"),
        ("director", Action::ViewCommission,     "YY--"),
        ("director", Action::WriteProtocol,      "----"),
        ("director", Action::ViewSchoolReports,  "YY--"),
        ("director", Action::ViewRollup,         "----"),
        ("director", Action::ViewAudit,          "YY--"),
        ("director", Action::ManagePhone,        "YY--"),

        ("operator", Action::ManageInstallation, "----"),
        ("operator", Action::ManageSchool,       "----"),
        ("operator", Action::ViewSchool,         "YY--"),
        ("operator", Action::ViewInbox,          "----"),
        ("operator", Action::ReadAppeal,         "Y---"),
        ("operator", Action::CreateAppeal,       "YY--"),
        ("operator", Action::WorkAppeal,         "Y---"),
        ("operator", Action::AssignAppeal,       "----"),
        ("operator", Action::RecordOpening,      "----"),
        ("operator", Action::ManageCommission,   "----"),
        ("operator", Action::ViewCommission,     "----"),
        ("operator", Action::WriteProtocol,      "----"),
        ("operator", Action::ViewSchoolReports,  "----"),
        ("operator", Action::ViewRollup,         "----"),
        ("operator", Action::ViewAudit,          "----"),
        ("operator", Action::ManagePhone,        "----"),

        ("analyst", Action::ManageInstallation, "----"),
        ("analyst", Action::ManageSchool,       "----"),
        ("analyst", Action::ViewSchool,         "----"),
        ("analyst", Action::ViewInbox,          "----"),
        ("analyst", Action::ReadAppeal,         "----"),
        ("analyst", Action::CreateAppeal,       "----"),
        ("analyst", Action::WorkAppeal,         "----"),
        ("analyst", Action::AssignAppeal,       "----"),
        ("analyst", Action::RecordOpening,      "----"),
        ("analyst", Action::ManageCommission,   "----"),
        ("analyst", Action::ViewCommission,     "----"),
        ("analyst", Action::WriteProtocol,      "----"),
        ("analyst", Action::ViewSchoolReports,  "----"),
        ("analyst", Action::ViewRollup,         "YY--"),
        ("analyst", Action::ViewAudit,          "----"),
        ("analyst", Action::ManagePhone,        "----"),
    ];

    fn target_for<'a>(action: Action, path: &'a [i64], assignees: &'a [i64]) -> Target<'a> {
        if action == Action::ManageInstallation {
            Target::Installation
        } else if action.is_appeal_action() {
            Target::Appeal { path, assignees }
        } else {
            Target::Unit { path }
        }
    }

    #[test]
    fn exhaustive_role_action_table() {
        let mut whos = vec![Who::Admin];
        whos.extend(Role::ALL.iter().map(|r| Who::R(*r)));
        let assigned: &[i64] = &[OTHER_USER, ME];
        let not_assigned: &[i64] = &[OTHER_USER];
        let mut checked = 0;
        for who in whos {
            let name = match who {
                Who::Admin => "admin",
                Who::R(r) => r.code(),
            };
            let a = actor(who);
            for &action in Action::ALL {
                let row = EXPECTED
                    .iter()
                    .find(|(n, act, _)| *n == name && *act == action)
                    .unwrap_or_else(|| panic!("no expectation for {name} {action:?}"));
                let cases = [
                    (OWN_SCHOOL, assigned),
                    (OWN_SCHOOL, not_assigned),
                    (OTHER_SCHOOL, assigned),
                    (OTHER_SCHOOL, not_assigned),
                ];
                for (i, (path, assignees)) in cases.into_iter().enumerate() {
                    let want = row.2.as_bytes()[i] == b'Y';
                    let got = can(&a, action, &target_for(action, path, assignees));
                    assert_eq!(got, want, "{name} {action:?} case {i}");
                    checked += 1;
                }
            }
        }
        assert_eq!(EXPECTED.len(), 6 * Action::ALL.len());
        assert_eq!(checked, 6 * 16 * 4);
    }

    #[test]
    fn admin_never_reads_appeals_whatever_the_target() {
        let admin = actor(Who::Admin);
        for path in [OWN_SCHOOL, OTHER_SCHOOL, &[][..]] {
            for assignees in [&[ME][..], &[]] {
                for action in [Action::ReadAppeal, Action::WorkAppeal, Action::AssignAppeal] {
                    let t = Target::Appeal { path, assignees };
                    assert!(!can(&admin, action, &t));
                }
            }
        }
    }

    #[test]
    fn wrong_target_kinds_are_refused() {
        let resp = actor(Who::R(Role::Responsible));
        // appeal actions on a unit, unit actions on an appeal, school actions on the installation
        assert!(!can(
            &resp,
            Action::ReadAppeal,
            &Target::Unit { path: OWN_SCHOOL }
        ));
        assert!(!can(
            &resp,
            Action::ViewInbox,
            &Target::Appeal {
                path: OWN_SCHOOL,
                assignees: &[ME]
            }
        ));
        assert!(!can(&resp, Action::ViewSchool, &Target::Installation));
        assert!(!can(
            &actor(Who::Admin),
            Action::ManageInstallation,
            &Target::Unit { path: OWN_SCHOOL }
        ));
    }

    #[test]
    fn school_role_does_not_reach_parent_or_sibling_units() {
        let resp = actor(Who::R(Role::Responsible));
        // the district containing the school, and a sibling school in the same district
        assert!(!can(
            &resp,
            Action::ViewSchool,
            &Target::Unit {
                path: &[1, 10, 100]
            }
        ));
        assert!(!can(
            &resp,
            Action::ReadAppeal,
            &Target::Appeal {
                path: &[1, 10, 100, 1001],
                assignees: &[ME]
            }
        ));
        // an empty path reaches nothing
        assert!(!can(&resp, Action::ViewSchool, &Target::Unit { path: &[] }));
    }

    #[test]
    fn analyst_rollups() {
        let analyst = actor(Who::R(Role::Analyst));
        assert!(can(
            &analyst,
            Action::ViewRollup,
            &Target::Unit {
                path: &[1, 10, 100]
            }
        ));
        assert!(!can(
            &analyst,
            Action::ViewRollup,
            &Target::Unit { path: &[1, 10] }
        ));
        assert!(!can(
            &analyst,
            Action::ViewRollup,
            &Target::Unit { path: &[1] }
        ));
        assert!(!can(&analyst, Action::ViewRollup, &Target::Installation));
    }

    #[test]
    fn grants_add_up() {
        let a = Actor {
            user_id: ME,
            is_admin: true,
            grants: vec![
                Grant::confirmed(Role::Operator, 2000),
                Grant::confirmed(Role::Responsible, 1000),
            ],
        };
        let own = Target::Appeal {
            path: OWN_SCHOOL,
            assignees: &[],
        };
        let other = Target::Appeal {
            path: OTHER_SCHOOL,
            assignees: &[],
        };
        assert!(can(&a, Action::ReadAppeal, &own));
        assert!(!can(&a, Action::ReadAppeal, &other));
        assert!(can(
            &a,
            Action::CreateAppeal,
            &Target::Unit { path: OTHER_SCHOOL }
        ));
        assert!(can(&a, Action::ManageInstallation, &Target::Installation));
    }

    #[test]
    fn role_codes() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(*r));
            assert_eq!(r.message_id(), format!("role-{}", r.code()));
        }
        assert_eq!(Role::parse("admin"), None);
        assert!(!Role::Analyst.is_school_role());
        assert!(Role::Operator.is_school_role());
    }

    #[test]
    fn a_pending_grant_allows_nothing() {
        for &role in Role::ALL {
            let unit = if role == Role::Analyst { 100 } else { 1000 };
            for admin in [false, true] {
                let a = Actor {
                    user_id: ME,
                    is_admin: admin,
                    grants: vec![Grant {
                        role,
                        unit,
                        pending: true,
                    }],
                };
                for &action in Action::ALL {
                    for assignees in [&[ME][..], &[]] {
                        let t = target_for(action, OWN_SCHOOL, assignees);
                        let want = admin && can(&actor(Who::Admin), action, &t);
                        assert_eq!(can(&a, action, &t), want, "{role:?} {action:?}");
                    }
                }
                // Once confirmed, the same grant reads (the roles that read at all).
                let confirmed = Actor {
                    grants: vec![Grant::confirmed(role, unit)],
                    ..a.clone()
                };
                let read = Target::Appeal {
                    path: OWN_SCHOOL,
                    assignees: &[ME],
                };
                assert_eq!(
                    can(&confirmed, Action::ReadAppeal, &read),
                    role.reads_letters()
                );
            }
        }
    }

    #[test]
    fn every_role_that_can_read_needs_confirmation() {
        // Derived from the policy itself: a role needs confirmation exactly when some holder
        // of it could read some appeal of its school.
        for &role in Role::ALL {
            let holder = Actor {
                user_id: ME,
                is_admin: false,
                grants: vec![Grant::confirmed(role, 1000)],
            };
            let reads = [&[ME][..], &[]].iter().any(|assignees| {
                can(
                    &holder,
                    Action::ReadAppeal,
                    &Target::Appeal {
                        path: OWN_SCHOOL,
                        assignees,
                    },
                )
            });
            assert_eq!(grant_needs_confirmation(role), reads, "{role:?}");
        }
    }

    #[test]
    fn who_may_confirm_a_pending_grant() {
        const ADMIN: i64 = 1;
        const ADMIN2: i64 = 2;
        const DIRECTOR: i64 = 3;
        const GRANTEE: i64 = 4;
        let grant = Grant {
            role: Role::Responsible,
            unit: 1000,
            pending: true,
        };
        let admin = |id| Actor {
            user_id: id,
            is_admin: true,
            grants: vec![],
        };
        let director = |unit, pending| Actor {
            user_id: DIRECTOR,
            is_admin: false,
            grants: vec![Grant {
                role: Role::Director,
                unit,
                pending,
            }],
        };
        // The administrator who granted it, also when it is for themselves.
        assert_eq!(
            may_confirm(&admin(ADMIN), grant, GRANTEE, Some(ADMIN)),
            Err(ConfirmRefusal::OwnGrant)
        );
        assert_eq!(
            may_confirm(&admin(ADMIN), grant, ADMIN, Some(ADMIN)),
            Err(ConfirmRefusal::ForYourself)
        );
        // Nobody confirms a grant for themselves, even one another administrator made.
        assert_eq!(
            may_confirm(&admin(ADMIN), grant, ADMIN, Some(ADMIN2)),
            Err(ConfirmRefusal::ForYourself)
        );
        let mut self_director = director(1000, false);
        self_director.user_id = GRANTEE;
        assert_eq!(
            may_confirm(&self_director, grant, GRANTEE, Some(ADMIN)),
            Err(ConfirmRefusal::ForYourself)
        );
        // A second administrator may.
        assert_eq!(
            may_confirm(&admin(ADMIN2), grant, GRANTEE, Some(ADMIN)),
            Ok(())
        );
        assert_eq!(
            may_confirm(&admin(ADMIN2), grant, ADMIN, Some(ADMIN)),
            Ok(())
        );
        // The school's director may; a director of another school, a pending director, or
        // another role may not.
        assert_eq!(
            may_confirm(&director(1000, false), grant, GRANTEE, Some(ADMIN)),
            Ok(())
        );
        assert_eq!(
            may_confirm(&director(1000, false), grant, GRANTEE, None),
            Ok(())
        );
        assert_eq!(
            may_confirm(&director(2000, false), grant, GRANTEE, Some(ADMIN)),
            Err(ConfirmRefusal::NotDirectorNorAdmin)
        );
        assert_eq!(
            may_confirm(&director(1000, true), grant, GRANTEE, Some(ADMIN)),
            Err(ConfirmRefusal::NotDirectorNorAdmin)
        );
        let responsible = Actor {
            user_id: 9,
            is_admin: false,
            grants: vec![Grant::confirmed(Role::Responsible, 1000)],
        };
        assert_eq!(
            may_confirm(&responsible, grant, GRANTEE, Some(ADMIN)),
            Err(ConfirmRefusal::NotDirectorNorAdmin)
        );
    }
}
