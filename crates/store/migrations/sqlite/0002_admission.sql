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
