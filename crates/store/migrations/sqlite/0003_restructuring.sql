-- Restructuring plans (大部制改革): a town's legacy departments, functions and posts mapped
-- onto comprehensive offices. The plan document is kept whole as JSON; a plan is a draft
-- until approved with the day it takes effect, and the latest in effect owns the functions.

CREATE TABLE restructuring_plan (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL,
    division_code  TEXT NOT NULL REFERENCES division (code),
    number         INTEGER NOT NULL,
    title          TEXT NOT NULL,
    status         TEXT NOT NULL,
    effective_from TEXT,
    document       TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    approved_by    TEXT,
    approved_at    TEXT,
    UNIQUE (division_code, number)
);
CREATE INDEX restructuring_plan_division_idx ON restructuring_plan (division_code, status, effective_from);
