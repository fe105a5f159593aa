-- Village collective income: one amount in fen per village, year and source. An import
-- replaces the amounts it names; the audit log keeps what was there before.

CREATE TABLE village_income (
    id           INTEGER PRIMARY KEY,
    county_code  TEXT NOT NULL,
    town_code    TEXT NOT NULL REFERENCES division (code),
    village_code TEXT NOT NULL REFERENCES division (code),
    year         INTEGER NOT NULL,
    source       TEXT NOT NULL,
    amount_fen   INTEGER NOT NULL CHECK (amount_fen >= 0),
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    UNIQUE (village_code, year, source)
);
CREATE INDEX village_income_county_year_idx ON village_income (county_code, year);
CREATE INDEX village_income_town_year_idx ON village_income (town_code, year);
