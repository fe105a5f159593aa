-- Core tables: divisions, bodies, users, sessions, API tokens, login attempts,
-- the working-day calendar and the audit chain.
-- Instants are UTC RFC 3339 text of fixed width, so text order is time order.

CREATE TABLE division (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,
    parent_code TEXT REFERENCES division (code),
    county_code TEXT NOT NULL,
    path        TEXT NOT NULL
);
CREATE INDEX division_parent_idx ON division (parent_code);
CREATE INDEX division_path_idx ON division (path);
CREATE INDEX division_name_idx ON division (name);

CREATE TABLE body (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES division (code),
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (division_code, name)
);
CREATE INDEX body_division_idx ON body (division_code);

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    body_id       INTEGER NOT NULL REFERENCES body (id),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT,
    locked_until  TEXT
);
CREATE INDEX app_user_body_idx ON app_user (body_id);

CREATE TABLE session (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES app_user (id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX session_user_idx ON session (user_id);

CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES app_user (id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT,
    last_used_at TEXT
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

CREATE TABLE login_attempt (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL,
    address   TEXT NOT NULL,
    at        TEXT NOT NULL,
    outcome   TEXT NOT NULL
);
CREATE INDEX login_attempt_user_idx ON login_attempt (username, at);
CREATE INDEX login_attempt_address_idx ON login_attempt (address, at);

CREATE TABLE calendar_day (
    day      TEXT PRIMARY KEY,
    kind     TEXT NOT NULL,
    occasion TEXT NOT NULL
);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    county_code   TEXT,
    division_code TEXT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id);
CREATE INDEX audit_log_division_idx ON audit_log (division_code);

-- The log is append-only for the application; the chain catches anyone who goes around this.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
