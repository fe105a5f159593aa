//! Pages of task admission: a town's lists, tasks and their decisions, the staffing
//! office's review queue, and the burden dashboard.

mod burden;
mod lists;
mod tasks;

use axum::http::Method;
use grassroots_domain::admission::task::TargetState;
use grassroots_domain::admission::{Decision, ItemKind};

use crate::i18n::Lang;
use crate::pages::PageRoutes;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.route(Method::GET, "/lists", lists::lists)
        .route(Method::POST, "/lists/import", lists::import)
        .route(Method::POST, "/lists/inherit", lists::inherit)
        .route(Method::POST, "/lists/{id}/publish", lists::publish)
        .route(Method::GET, "/tasks", tasks::tasks)
        .route(Method::POST, "/tasks", tasks::send)
        .route(Method::GET, "/tasks/{id}", tasks::task)
        .route(Method::POST, "/tasks/{id}/withdraw", tasks::withdraw)
        .route(Method::POST, "/task-targets/{id}/appeal", tasks::appeal)
        .route(Method::GET, "/review", tasks::review)
        .route(Method::POST, "/task-targets/{id}/ruling", tasks::rule)
        .route(Method::GET, "/burden", burden::burden)
}

fn kind_label(lang: Lang, k: ItemKind) -> &'static str {
    lang.t(k.as_str())
}

fn decision_label(lang: Lang, d: Decision) -> &'static str {
    match d {
        Decision::Review => lang.t("decision.review"),
        other => lang.t(other.as_str()),
    }
}

fn state_label(lang: Lang, s: TargetState) -> &'static str {
    lang.t(&format!("state.{}", s.as_str()))
}
