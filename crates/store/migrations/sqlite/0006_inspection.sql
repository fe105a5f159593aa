-- Joint inspections (综合查一次): targets, each department's check items, the inspections
-- departments plan, the joint visits plans are merged into, and each item's result.

CREATE TABLE inspection_target (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES division (code),
    name          TEXT NOT NULL,
    credit_code   TEXT,
    address       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (division_code, name)
);

CREATE TABLE check_item (
    id          INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL,
    code        TEXT NOT NULL,
    department  TEXT NOT NULL,
    area        TEXT NOT NULL,
    text        TEXT NOT NULL,
    UNIQUE (county_code, code)
);

CREATE TABLE joint_inspection (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES division (code),
    target_id     INTEGER NOT NULL REFERENCES inspection_target (id),
    visit_on      TEXT NOT NULL,
    team          TEXT NOT NULL,
    visits_saved  INTEGER NOT NULL,
    done_on       TEXT,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX joint_inspection_division_idx ON joint_inspection (division_code, visit_on);

CREATE TABLE inspection_plan (
    id                 INTEGER PRIMARY KEY,
    county_code        TEXT NOT NULL,
    division_code      TEXT NOT NULL REFERENCES division (code),
    target_id          INTEGER NOT NULL REFERENCES inspection_target (id),
    department_body_id INTEGER NOT NULL REFERENCES body (id),
    department         TEXT NOT NULL,
    planned_on         TEXT NOT NULL,
    item_codes         TEXT NOT NULL,
    inspection_id      INTEGER REFERENCES joint_inspection (id),
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL
);
CREATE INDEX inspection_plan_division_idx ON inspection_plan (division_code, inspection_id, target_id);

CREATE TABLE inspection_result (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL,
    inspection_id INTEGER NOT NULL REFERENCES joint_inspection (id),
    item_code     TEXT NOT NULL,
    department    TEXT NOT NULL,
    text          TEXT NOT NULL,
    outcome       TEXT,
    note          TEXT NOT NULL,
    action        TEXT,
    rectify_by    TEXT,
    rechecked_on  TEXT,
    case_id       INTEGER REFERENCES enforcement_case (id),
    UNIQUE (inspection_id, item_code)
);
