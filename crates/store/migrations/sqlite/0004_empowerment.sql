-- Empowerment by menu (看单点菜, 一镇一单): the county's catalog of matters, rounds of
-- orders with the owning department's assessment and the staffing office's decision, each
-- town's power list as published versions, and the uses of each devolved power.

CREATE TABLE catalog_matter (
    id                 INTEGER PRIMARY KEY,
    county_code        TEXT NOT NULL REFERENCES division (code),
    code               TEXT NOT NULL,
    name               TEXT NOT NULL,
    power_type         TEXT NOT NULL,
    department_body_id INTEGER NOT NULL REFERENCES body (id),
    department         TEXT NOT NULL,
    legal_basis        TEXT NOT NULL,
    requirements       TEXT NOT NULL,
    risk               TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (county_code, code)
);
CREATE INDEX catalog_matter_department_idx ON catalog_matter (department_body_id);

CREATE TABLE empowerment_round (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL REFERENCES division (code),
    title          TEXT NOT NULL,
    deadline       TEXT NOT NULL,
    status         TEXT NOT NULL,
    effective_from TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    closed_at      TEXT,
    published_by   TEXT,
    published_at   TEXT
);
CREATE INDEX empowerment_round_county_idx ON empowerment_round (county_code, created_at);

CREATE TABLE power_order (
    id              INTEGER PRIMARY KEY,
    county_code     TEXT NOT NULL,
    round_id        INTEGER NOT NULL REFERENCES empowerment_round (id),
    division_code   TEXT NOT NULL REFERENCES division (code),
    matter_id       INTEGER NOT NULL REFERENCES catalog_matter (id),
    reason          TEXT NOT NULL,
    yearly_volume   INTEGER NOT NULL,
    ordered_by      TEXT NOT NULL,
    ordered_at      TEXT NOT NULL,
    opinion         TEXT,
    assessment      TEXT,
    assessed_by     TEXT,
    assessed_at     TEXT,
    decision        TEXT,
    decision_reason TEXT,
    decided_by      TEXT,
    decided_at      TEXT,
    UNIQUE (round_id, division_code, matter_id)
);
CREATE INDEX power_order_matter_idx ON power_order (matter_id);

CREATE TABLE power_list_version (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL,
    division_code  TEXT NOT NULL REFERENCES division (code),
    number         INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    note           TEXT NOT NULL,
    round_id       INTEGER REFERENCES empowerment_round (id),
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (division_code, number)
);
CREATE INDEX power_list_version_division_idx ON power_list_version (division_code, effective_from);

CREATE TABLE power_list_entry (
    id          INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL,
    version_id  INTEGER NOT NULL REFERENCES power_list_version (id),
    matter_id   INTEGER NOT NULL REFERENCES catalog_matter (id),
    held_since  TEXT NOT NULL,
    UNIQUE (version_id, matter_id)
);

CREATE TABLE power_use (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL,
    division_code TEXT NOT NULL REFERENCES division (code),
    matter_id     INTEGER NOT NULL REFERENCES catalog_matter (id),
    used_on       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    reference     TEXT NOT NULL,
    complaint     INTEGER NOT NULL,
    reversed      INTEGER NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX power_use_division_idx ON power_use (division_code, matter_id, used_on);
