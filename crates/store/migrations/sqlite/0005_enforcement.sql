-- Enforcement cases (执法案件): one row per case with the dates of its stages, the timeline
-- of everything done to it, and the per-town, per-year document counters that number them
-- without gaps (a number is taken in the transaction that files the case).

CREATE TABLE enforcement_case (
    id                   INTEGER PRIMARY KEY,
    county_code          TEXT NOT NULL,
    division_code        TEXT NOT NULL REFERENCES division (code),
    year                 INTEGER NOT NULL,
    number               INTEGER NOT NULL,
    document_number      TEXT NOT NULL,
    procedure            TEXT NOT NULL,
    stage                TEXT NOT NULL,
    party_name           TEXT NOT NULL,
    party_is_organisation INTEGER NOT NULL,
    act_date             TEXT NOT NULL,
    matter_id            INTEGER REFERENCES catalog_matter (id),
    matter_code          TEXT,
    legal_basis          TEXT NOT NULL,
    facts                TEXT NOT NULL,
    filed_on             TEXT NOT NULL,
    notified_on          TEXT,
    hearing_requested_on TEXT,
    hearing_on           TEXT,
    decided_on           TEXT,
    penalty              TEXT,
    fine_fen             INTEGER,
    served_on            TEXT,
    reminded_on          TEXT,
    executed_on          TEXT,
    closed_on            TEXT,
    suspended_days       INTEGER NOT NULL,
    extension_days       INTEGER NOT NULL,
    satisfaction         TEXT,
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    UNIQUE (division_code, year, number)
);
CREATE INDEX enforcement_case_division_idx ON enforcement_case (division_code, stage, filed_on);

CREATE TABLE case_event (
    id          INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL,
    case_id     INTEGER NOT NULL REFERENCES enforcement_case (id),
    action      TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    note        TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX case_event_case_idx ON case_event (case_id, id);

CREATE TABLE document_counter (
    division_code TEXT NOT NULL REFERENCES division (code),
    year          INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    last          INTEGER NOT NULL,
    PRIMARY KEY (division_code, year, kind)
);
