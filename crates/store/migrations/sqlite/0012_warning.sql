-- Geological-hazard weather warnings. Hazard points and their monitors; each county's
-- rule of what a level requires; the warnings, drafted by one bureau and published by the
-- other's co-signature, with the CAP message fixed at publication; one notice per
-- recipient (town, village, monitor), unique per warning, which the recipient
-- acknowledges; monitors' patrol reports; webhook subscriptions; and the outbox of
-- deliveries (text messages, webhooks), written in the transaction that publishes, so a
-- restart finds every delivery still owed.

CREATE TABLE hazard_point (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL,
    town_code     TEXT NOT NULL REFERENCES division (code),
    division_code TEXT NOT NULL REFERENCES division (code),
    number        TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    scale         TEXT NOT NULL,
    lon           REAL NOT NULL,
    lat           REAL NOT NULL,
    households    INTEGER NOT NULL,
    people        INTEGER NOT NULL,
    shelter       TEXT NOT NULL,
    route         TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX hazard_point_county_idx ON hazard_point (county_code);
CREATE INDEX hazard_point_town_idx ON hazard_point (town_code);
CREATE INDEX hazard_point_division_idx ON hazard_point (division_code);

CREATE TABLE hazard_monitor (
    id       INTEGER PRIMARY KEY,
    point_id INTEGER NOT NULL REFERENCES hazard_point (id),
    name     TEXT NOT NULL,
    phone    TEXT NOT NULL,
    username TEXT
);
CREATE INDEX hazard_monitor_point_idx ON hazard_monitor (point_id);
CREATE INDEX hazard_monitor_username_idx ON hazard_monitor (username);

CREATE TABLE warning_rule (
    division_code              TEXT NOT NULL REFERENCES division (code),
    level                      TEXT NOT NULL,
    patrol_within_hours        INTEGER NOT NULL,
    ready_evacuation           INTEGER NOT NULL,
    evacuate                   INTEGER NOT NULL,
    acknowledge_within_minutes INTEGER NOT NULL,
    PRIMARY KEY (division_code, level)
);

CREATE TABLE warning (
    id                INTEGER PRIMARY KEY,
    division_code     TEXT NOT NULL,
    origin            TEXT NOT NULL,
    identifier        TEXT,
    sender            TEXT NOT NULL,
    msg_type          TEXT NOT NULL,
    references_id     INTEGER REFERENCES warning (id),
    level             TEXT NOT NULL,
    headline          TEXT NOT NULL,
    description       TEXT NOT NULL,
    instruction       TEXT NOT NULL,
    onset             TEXT NOT NULL,
    expires           TEXT NOT NULL,
    areas             TEXT NOT NULL,
    polygon           TEXT,
    state             TEXT NOT NULL,
    drafted_by        TEXT NOT NULL,
    drafting_body     TEXT NOT NULL,
    drafting_body_id  INTEGER,
    cosigned_by       TEXT,
    cosigning_body    TEXT,
    sent              TEXT,
    cap_xml           TEXT,
    relay_secret      TEXT,
    created_at        TEXT NOT NULL,
    UNIQUE (sender, identifier)
);
CREATE INDEX warning_division_idx ON warning (division_code, state);
CREATE INDEX warning_state_expires_idx ON warning (state, expires);

CREATE TABLE warning_notice (
    id              INTEGER PRIMARY KEY,
    warning_id      INTEGER NOT NULL REFERENCES warning (id),
    recipient       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    county_code     TEXT NOT NULL,
    town_code       TEXT NOT NULL,
    division_code   TEXT NOT NULL,
    name            TEXT NOT NULL,
    monitor_id      INTEGER REFERENCES hazard_monitor (id),
    point_id        INTEGER REFERENCES hazard_point (id),
    notified_at     TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    escalation      INTEGER NOT NULL DEFAULT 0,
    escalated_at    TEXT,
    UNIQUE (warning_id, recipient)
);
CREATE INDEX warning_notice_town_idx ON warning_notice (warning_id, town_code, kind);
CREATE INDEX warning_notice_silent_idx ON warning_notice (warning_id, acknowledged_at, escalation);
CREATE INDEX warning_notice_division_idx ON warning_notice (division_code, warning_id);

CREATE TABLE warning_patrol (
    id           INTEGER PRIMARY KEY,
    warning_id   INTEGER NOT NULL REFERENCES warning (id),
    point_id     INTEGER NOT NULL REFERENCES hazard_point (id),
    danger_found INTEGER NOT NULL,
    finding      TEXT NOT NULL,
    evacuated    INTEGER NOT NULL CHECK (evacuated >= 0),
    reported_by  TEXT NOT NULL,
    reported_at  TEXT NOT NULL
);
CREATE INDEX warning_patrol_warning_idx ON warning_patrol (warning_id, point_id);

CREATE TABLE warning_webhook (
    id            INTEGER PRIMARY KEY,
    division_code TEXT NOT NULL REFERENCES division (code),
    url           TEXT NOT NULL,
    secret        TEXT NOT NULL,
    active        INTEGER NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE warning_delivery (
    id         INTEGER PRIMARY KEY,
    warning_id INTEGER NOT NULL REFERENCES warning (id),
    channel    TEXT NOT NULL,
    notice_id  INTEGER REFERENCES warning_notice (id),
    webhook_id INTEGER REFERENCES warning_webhook (id),
    state      TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    TEXT NOT NULL,
    sent_at    TEXT,
    last_error TEXT
);
CREATE INDEX warning_delivery_due_idx ON warning_delivery (state, next_at);
CREATE INDEX warning_delivery_warning_idx ON warning_delivery (warning_id, channel, state);
