//! Pages of the shared concepts: login, home, divisions, bodies, users, tokens, password,
//! audit log, language switch.

mod account;
mod audit;
mod directory;
mod session;

use axum::http::Method;
use grassroots_domain::core::body::BodyKind;
use grassroots_domain::core::role::Role;

use crate::i18n::Lang;
use crate::pages::PageRoutes;

pub fn routes(r: PageRoutes) -> PageRoutes {
    r.public(Method::GET, "/login", session::login_form)
        .public(Method::POST, "/login", session::login)
        .public(Method::GET, "/lang", session::switch_lang)
        .route(Method::POST, "/logout", session::logout)
        .route(Method::GET, "/", session::home)
        .route(Method::GET, "/divisions", directory::divisions_root)
        .route(Method::GET, "/divisions/{code}", directory::division)
        .route(Method::GET, "/bodies", directory::bodies)
        .route(Method::POST, "/bodies", directory::create_body)
        .route(Method::GET, "/users", directory::users)
        .route(Method::POST, "/users", directory::create_user)
        .route(Method::POST, "/users/{id}/disable", directory::disable_user)
        .route(Method::POST, "/users/{id}/enable", directory::enable_user)
        .route(Method::GET, "/tokens", account::tokens)
        .route(Method::POST, "/tokens", account::create_token)
        .route(Method::POST, "/tokens/{id}/revoke", account::revoke_token)
        .route(Method::GET, "/password", account::password_form)
        .route(Method::POST, "/password", account::change_password)
        .route(Method::GET, "/audit", audit::audit)
}

fn role_label(lang: Lang, r: Role) -> &'static str {
    match lang {
        Lang::Zh => r.label_zh(),
        Lang::En => r.label_en(),
    }
}

fn kind_label(lang: Lang, k: BodyKind) -> &'static str {
    match lang {
        Lang::Zh => k.label_zh(),
        Lang::En => k.label_en(),
    }
}
