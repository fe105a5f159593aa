-- Duty lists (履职事项清单): versions per town, or per county for the template towns
-- inherit; each version holds its items. A version is a draft until published with the
-- date it takes effect; screening uses the published version in force on the day.

CREATE TABLE duty_list_version (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL,
    division_code  TEXT NOT NULL REFERENCES division (code),
    number         INTEGER NOT NULL,
    status         TEXT NOT NULL,
    effective_from TEXT,
    note           TEXT NOT NULL,
    based_on       INTEGER REFERENCES duty_list_version (id),
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    published_at   TEXT,
    UNIQUE (division_code, number)
);
CREATE INDEX duty_list_version_division_idx ON duty_list_version (division_code, status, effective_from);

CREATE TABLE duty_list_item (
    id              INTEGER PRIMARY KEY,
    county_code     TEXT NOT NULL,
    version_id      INTEGER NOT NULL REFERENCES duty_list_version (id),
    position        INTEGER NOT NULL,
    code            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    area            TEXT NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    lead_department TEXT NOT NULL,
    legal_basis     TEXT NOT NULL,
    office          TEXT NOT NULL,
    keywords        TEXT NOT NULL,
    UNIQUE (version_id, code)
);
CREATE INDEX duty_list_item_version_idx ON duty_list_item (version_id, position);

-- Tasks county departments send down, and each target town's screening decision:
-- accepted (duty, cooperation), refused (negative) or waiting for the staffing office's
-- ruling (review); a refusal may be appealed once; a sender may withdraw.
CREATE TABLE task (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL,
    sender_body_id INTEGER NOT NULL REFERENCES body (id),
    sender         TEXT NOT NULL,
    title          TEXT NOT NULL,
    text           TEXT NOT NULL,
    legal_basis    TEXT NOT NULL,
    due_date       TEXT,
    status         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    withdrawn_at   TEXT
);
CREATE INDEX task_sender_idx ON task (sender_body_id, created_at);

CREATE TABLE task_target (
    id              INTEGER PRIMARY KEY,
    county_code     TEXT NOT NULL,
    task_id         INTEGER NOT NULL REFERENCES task (id),
    division_code   TEXT NOT NULL REFERENCES division (code),
    list_version_id INTEGER REFERENCES duty_list_version (id),
    decision        TEXT NOT NULL,
    item_code       TEXT,
    item_title      TEXT,
    lead_department TEXT,
    score           REAL NOT NULL,
    evidence_json   TEXT NOT NULL,
    state           TEXT NOT NULL,
    ruling          TEXT,
    ruling_reason   TEXT,
    ruled_by        TEXT,
    ruled_at        TEXT,
    appeal_reason   TEXT,
    appealed_at     TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (task_id, division_code)
);
CREATE INDEX task_target_division_idx ON task_target (division_code, state);
CREATE INDEX task_target_state_idx ON task_target (state, created_at);
