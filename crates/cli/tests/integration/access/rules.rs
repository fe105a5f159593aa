//! Who may use each route: one rule per route of every flow; a route without one fails
//! the matrix.

use axum::http::Method;

/// Who may use a route, inside their scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rule {
    /// Anyone logged in.
    Anyone,
    /// Administrators only; others get 403.
    Admin,
    /// Own objects for anyone, others' for administrators of their scope; 404 otherwise.
    OwnerOrAdmin,
    /// The staffing office only; others get 403.
    Staffing,
    /// The department that sent the task, or owns the matter (in the demo, county
    /// department officers).
    Sender,
    /// Town officers: ordering from the menu.
    Town,
    /// Town officers and inspectors: recording the use of a power.
    Recorder,
    /// The town's enforcement team: cases and joint visits.
    Inspector,
    /// Those who take part in inspections: county departments and the town's team.
    Inspects,
    /// Staff of towns and villages who report events.
    Reporter,
    /// The town's command center.
    Dispatcher,
    /// Offices that work dispatched events (each only those sent to it: command.rs).
    Handler,
    /// Towns and the county's departments: villages' collective income.
    Income,
    /// The town's office and the county's petition bureau: petitions, and their
    /// petitioners in clear.
    Petitions,
    /// The two bureaus of a district: warnings, CAP imports, hazard points, level rules.
    Bureau,
    /// Villages' officers and hazard monitors: patrols under a warning.
    Patrols,
    /// A notice's own recipient (its town's officers or dispatchers, its village's
    /// officers, its monitor): who that is is checked in warning.rs; here, only that a
    /// notice out of scope is unknown and the rest get an answer or 403.
    Recipient,
}

pub(super) fn rule(method: &Method, path: &str) -> Option<Rule> {
    use Rule::*;
    let m = method.as_str();
    Some(match (m, path) {
        ("POST", "/api/v1/bodies") | ("POST", "/bodies") => Admin,
        ("POST", "/api/v1/users") | ("POST", "/users") => Admin,
        ("POST", "/api/v1/users/{id}/disable") | ("POST", "/api/v1/users/{id}/enable") => Admin,
        ("POST", "/users/{id}/disable") | ("POST", "/users/{id}/enable") => Admin,
        ("GET", "/api/v1/audit") | ("GET", "/audit") => Admin,
        ("DELETE", "/api/v1/tokens/{id}") | ("POST", "/tokens/{id}/revoke") => OwnerOrAdmin,
        ("GET", "/api/v1/me") | ("PUT", "/api/v1/me/password") | ("DELETE", "/api/v1/session") => Anyone,
        ("GET", "/api/v1/divisions") | ("GET", "/api/v1/divisions/{code}") => Anyone,
        ("GET", "/api/v1/divisions/{code}/children") | ("GET", "/api/v1/divisions/{code}/subtree") => Anyone,
        ("GET", "/api/v1/divisions/{code}/ancestors") => Anyone,
        ("GET", "/api/v1/bodies") | ("GET", "/api/v1/bodies/{id}") => Anyone,
        ("GET", "/api/v1/users") | ("GET", "/api/v1/users/{id}") => Anyone,
        ("GET", "/api/v1/tokens") | ("POST", "/api/v1/tokens") => Anyone,
        ("GET", "/api/v1/calendar/working-days") | ("GET", "/api/v1/calendar/deadline") => Anyone,
        ("GET", "/") | ("GET", "/divisions") | ("GET", "/divisions/{code}") => Anyone,
        ("GET", "/bodies") | ("GET", "/users") | ("GET", "/tokens") | ("POST", "/tokens") => Anyone,
        ("GET", "/password") | ("POST", "/password") | ("POST", "/logout") => Anyone,
        ("POST", "/api/v1/divisions/{code}/lists") | ("POST", "/api/v1/divisions/{code}/lists/inherit") => Staffing,
        ("POST", "/api/v1/lists/{id}/publish") => Staffing,
        ("GET", "/api/v1/lists") | ("GET", "/api/v1/lists/{id}") | ("GET", "/api/v1/lists/{id}/diff") => Anyone,
        ("GET", "/api/v1/lists/{id}/export") | ("GET", "/api/v1/divisions/{code}/lists/in-force") => Anyone,
        ("POST", "/api/v1/tasks") => Sender,
        ("POST", "/api/v1/tasks/{id}/withdraw") | ("POST", "/api/v1/task-targets/{id}/appeal") => Sender,
        ("POST", "/api/v1/task-targets/{id}/ruling") => Staffing,
        ("GET", "/api/v1/tasks/{id}") | ("GET", "/api/v1/task-targets") | ("GET", "/api/v1/burden") => Anyone,
        ("GET", "/lists") | ("GET", "/tasks") | ("GET", "/tasks/{id}") | ("GET", "/review") | ("GET", "/burden") => {
            Anyone
        }
        ("POST", "/lists/import") | ("POST", "/lists/{id}/publish") | ("POST", "/task-targets/{id}/ruling") => Staffing,
        ("POST", "/lists/inherit") => Staffing,
        ("POST", "/tasks") | ("POST", "/tasks/{id}/withdraw") | ("POST", "/task-targets/{id}/appeal") => Sender,
        ("GET", "/api/v1/plans") | ("GET", "/api/v1/plans/{id}") => Anyone,
        ("GET", "/api/v1/towns/{code}/functions/{function}/owner") => Anyone,
        ("GET", "/api/v1/towns/{code}/functions/{function}/history") => Anyone,
        ("POST", "/api/v1/plans") | ("PUT", "/api/v1/plans/{id}") => Staffing,
        ("POST", "/api/v1/plans/{id}/move-function") | ("POST", "/api/v1/plans/{id}/approve") => Staffing,
        ("GET", "/api/v1/counties/{code}/catalog") | ("GET", "/api/v1/counties/{code}/catalog/export") => Anyone,
        ("GET", "/api/v1/counties/{code}/rounds") | ("GET", "/api/v1/rounds/{id}") => Anyone,
        ("GET", "/api/v1/rounds/{id}/orders") => Anyone,
        ("POST", "/api/v1/counties/{code}/catalog") | ("POST", "/api/v1/rounds") => Staffing,
        ("POST", "/api/v1/rounds/{id}/close") | ("POST", "/api/v1/rounds/{id}/publish") => Staffing,
        ("POST", "/api/v1/rounds/{id}/orders") => Town,
        ("POST", "/api/v1/orders/{id}/assessment") => Sender,
        ("POST", "/api/v1/orders/{id}/decision") => Staffing,
        ("GET", "/api/v1/towns/{code}/powers") | ("GET", "/api/v1/towns/{code}/powers/{matter}/held") => Anyone,
        ("GET", "/api/v1/towns/{code}/powers/evaluation") => Anyone,
        ("POST", "/api/v1/towns/{code}/powers/revoke") => Staffing,
        ("POST", "/api/v1/towns/{code}/power-uses") => Recorder,
        ("GET", "/plans") | ("GET", "/plans/{id}") | ("GET", "/catalog") | ("GET", "/rounds") => Anyone,
        ("GET", "/rounds/{id}") | ("GET", "/rounds/{id}/order") | ("GET", "/rounds/{id}/decide") => Anyone,
        ("GET", "/powers") => Anyone,
        ("GET", "/rounds/{id}/assess") | ("POST", "/orders/{id}/assessment") => Sender,
        ("POST", "/plans") | ("POST", "/plans/{id}/move-function") | ("POST", "/plans/{id}/approve") => Staffing,
        ("POST", "/catalog/import") | ("POST", "/rounds") | ("POST", "/rounds/{id}/close") => Staffing,
        ("POST", "/rounds/{id}/publish") | ("POST", "/orders/{id}/decision") | ("POST", "/powers/revoke") => Staffing,
        ("POST", "/rounds/{id}/orders") => Town,
        ("POST", "/powers/uses") => Recorder,
        ("GET", "/api/v1/cases") | ("GET", "/api/v1/cases/{id}") => Anyone,
        ("GET", "/api/v1/towns/{code}/case-indicators") | ("GET", "/cases") | ("GET", "/cases/{id}") => Anyone,
        ("POST", "/api/v1/cases") | ("POST", "/api/v1/cases/{id}/advance") | ("POST", "/api/v1/cases/{id}/pause") => {
            Inspector
        }
        ("POST", "/api/v1/cases/{id}/remind") | ("POST", "/api/v1/cases/{id}/rating") => Inspector,
        ("POST", "/cases") | ("POST", "/cases/{id}/advance") | ("POST", "/cases/{id}/pause") => Inspector,
        ("POST", "/cases/{id}/remind") | ("POST", "/cases/{id}/rating") => Inspector,
        ("GET", "/api/v1/inspection-targets") | ("GET", "/api/v1/counties/{code}/check-items") => Anyone,
        ("GET", "/api/v1/inspection-plans") | ("GET", "/api/v1/inspections") => Anyone,
        ("GET", "/api/v1/inspections/{id}") | ("GET", "/api/v1/towns/{code}/inspection-indicators") => Anyone,
        ("GET", "/inspections") | ("GET", "/inspections/{id}") => Anyone,
        ("POST", "/api/v1/inspection-targets") | ("POST", "/inspection-targets") => Inspects,
        ("PUT", "/api/v1/counties/{code}/check-items") => Sender,
        ("POST", "/api/v1/inspection-plans") | ("POST", "/inspection-plans") => Sender,
        ("POST", "/api/v1/inspections") | ("POST", "/inspections") => Inspector,
        ("POST", "/api/v1/inspections/{id}/results") | ("POST", "/inspections/{id}/results") => Inspector,
        ("POST", "/api/v1/inspections/{id}/recheck") | ("POST", "/inspections/{id}/recheck") => Inspector,
        ("GET", "/api/v1/events") | ("GET", "/api/v1/events/{id}") | ("GET", "/api/v1/board") => Anyone,
        ("GET", "/command") | ("GET", "/events/{id}") => Anyone,
        ("POST", "/api/v1/events") | ("POST", "/events") => Reporter,
        ("POST", "/api/v1/events/{id}/attachments") | ("POST", "/events/{id}/attachments") => Reporter,
        ("GET", "/api/v1/events/{id}/attachments/{file}") | ("GET", "/events/{id}/attachments/{file}") => Anyone,
        ("POST", "/api/v1/events/{id}/dispatch") | ("POST", "/events/{id}/dispatch") => Dispatcher,
        ("POST", "/api/v1/events/{id}/extend") | ("POST", "/events/{id}/extend") => Dispatcher,
        ("POST", "/api/v1/events/{id}/merge") | ("POST", "/events/{id}/merge") => Dispatcher,
        ("POST", "/api/v1/events/{id}/pause") | ("POST", "/events/{id}/pause") => Dispatcher,
        ("GET", "/api/v1/cases/overdue") => Anyone,
        ("GET", "/api/v1/divisions/{code}/income") => Anyone,
        ("POST", "/api/v1/income") | ("POST", "/income/import") => Income,
        ("GET", "/income") => Anyone,
        ("GET", "/api/v1/divisions/{code}/headline") => Anyone,
        ("GET", "/dashboard") | ("GET", "/dashboard.xlsx") => Anyone,
        ("POST", "/api/v1/events/{id}/progress") | ("POST", "/events/{id}/progress") => Handler,
        ("GET", "/api/v1/petitions") | ("GET", "/api/v1/petitions/{id}") => Anyone,
        ("GET", "/petitions") | ("GET", "/petitions/{id}") => Anyone,
        ("POST", "/api/v1/petitions") | ("POST", "/petitions") => Petitions,
        ("GET", "/api/v1/petitions/{id}/petitioner") | ("POST", "/petitions/{id}/petitioner") => Petitions,
        ("POST", "/api/v1/petitions/{id}/stage") | ("POST", "/petitions/{id}/stage") => Petitions,
        ("POST", "/api/v1/petitions/{id}/extension") | ("POST", "/petitions/{id}/extension") => Petitions,
        ("GET", "/api/v1/warnings") | ("GET", "/warnings") | ("GET", "/warnings/new") => Anyone,
        ("POST", "/api/v1/warnings") | ("POST", "/warnings") | ("POST", "/api/v1/warnings/import") => Bureau,
        ("GET", "/api/v1/warnings/{id}") | ("GET", "/warnings/{id}") => Anyone,
        ("GET", "/api/v1/warnings/{id}/board") | ("GET", "/api/v1/warnings/{id}/cap") => Anyone,
        ("POST", "/api/v1/warnings/{id}/cosign") | ("POST", "/warnings/{id}/cosign") => Bureau,
        ("POST", "/api/v1/warnings/{id}/withdraw") | ("POST", "/warnings/{id}/withdraw") => Bureau,
        ("POST", "/api/v1/warnings/{id}/revisions") | ("POST", "/warnings/{id}/cancel") => Bureau,
        ("POST", "/api/v1/warnings/{id}/patrols") | ("POST", "/warnings/{id}/patrols") => Patrols,
        ("GET", "/api/v1/warning-notices") => Anyone,
        ("POST", "/api/v1/warning-notices/{id}/acknowledgement") => Recipient,
        ("POST", "/warning-notices/{id}/acknowledge") => Recipient,
        ("GET", "/api/v1/warning-rules") => Anyone,
        ("PUT", "/api/v1/warning-rules") => Bureau,
        ("GET", "/api/v1/hazard-points") | ("GET", "/api/v1/hazard-points/{id}") | ("GET", "/hazard-points") => Anyone,
        ("POST", "/api/v1/hazard-points") | ("POST", "/hazard-points/import") => Bureau,
        ("GET", "/api/v1/warning-webhooks") | ("POST", "/api/v1/warning-webhooks") => Admin,
        _ => return None,
    })
}
