-- Unified command: events from every source, their dispatch with a deadline in working
-- days (stopped while an event is paused), and a log of everything done to each. A public report gets a tracking number the
-- reporter follows with the phone number given.

CREATE TABLE event (
    id              INTEGER PRIMARY KEY,
    county_code     TEXT NOT NULL,
    town_code       TEXT NOT NULL REFERENCES division (code),
    division_code   TEXT NOT NULL REFERENCES division (code),
    tracking_number TEXT NOT NULL UNIQUE,
    source          TEXT NOT NULL,
    category        TEXT NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    address         TEXT NOT NULL,
    lon             REAL,
    lat             REAL,
    reporter_name   TEXT NOT NULL,
    reporter_phone  TEXT NOT NULL,
    state           TEXT NOT NULL,
    office          TEXT,
    dispatched_on   TEXT,
    due_on          TEXT,
    paused_on       TEXT,
    extra_days      INTEGER NOT NULL,
    resolved_on     TEXT,
    closed_on       TEXT,
    merged_into     INTEGER REFERENCES event (id),
    satisfied       INTEGER,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX event_town_state_idx ON event (town_code, state, due_on);
CREATE INDEX event_town_category_idx ON event (town_code, category, created_at);

CREATE TABLE event_log (
    id          INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL,
    event_id    INTEGER NOT NULL REFERENCES event (id),
    action      TEXT NOT NULL,
    note        TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX event_log_event_idx ON event_log (event_id, id);
