-- Petitions (信访): the matter, its stage and the day of each step; the petitioner's
-- personal data only sealed (encrypted with the installation's key) beside a keyed digest
-- of the ID number, which finds the same petitioner without opening the seal. `due_on` is
-- the day the body must next answer by, kept with each step so overdue lists are one
-- index range.

CREATE TABLE petition (
    id                INTEGER PRIMARY KEY,
    county_code       TEXT NOT NULL,
    town_code         TEXT NOT NULL REFERENCES division (code),
    division_code     TEXT NOT NULL REFERENCES division (code),
    tracking_number   TEXT NOT NULL UNIQUE,
    channel           TEXT NOT NULL,
    kind              TEXT NOT NULL,
    title             TEXT NOT NULL,
    content           TEXT NOT NULL,
    people            INTEGER NOT NULL CHECK (people >= 1),
    petitioner_sealed TEXT NOT NULL,
    petitioner_digest TEXT NOT NULL,
    stage             TEXT NOT NULL,
    received_on       TEXT NOT NULL,
    sent_on           INTEGER NOT NULL,
    decided_on        TEXT,
    replied_on       TEXT,
    extension_days    INTEGER NOT NULL CHECK (extension_days BETWEEN 0 AND 30),
    review_asked_on   TEXT,
    reviewed_on       TEXT,
    rereview_asked_on  TEXT,
    rereviewed_on      TEXT,
    hearing_days      INTEGER NOT NULL,
    closed_on         TEXT,
    due_on            TEXT,
    satisfied         INTEGER,
    repeat_of         INTEGER REFERENCES petition (id),
    repeat_reason     TEXT,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX petition_county_received_idx ON petition (county_code, received_on);
CREATE INDEX petition_town_received_idx ON petition (town_code, received_on);
CREATE INDEX petition_division_received_idx ON petition (division_code, received_on);
CREATE INDEX petition_county_due_idx ON petition (county_code, due_on);
CREATE INDEX petition_town_due_idx ON petition (town_code, due_on);
CREATE INDEX petition_digest_idx ON petition (petitioner_digest);

CREATE TABLE petition_log (
    id          INTEGER PRIMARY KEY,
    petition_id INTEGER NOT NULL REFERENCES petition (id),
    action      TEXT NOT NULL,
    on_day      TEXT NOT NULL,
    note        TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX petition_log_petition_idx ON petition_log (petition_id, id);
