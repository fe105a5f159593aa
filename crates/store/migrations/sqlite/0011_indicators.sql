-- The headline figures count a county's or a town's cases and joint visits of a year in
-- one aggregate each. A closed case keeps its calendar days from filing to closing, so the
-- average is a sum, and the cases' indexes hold every column the aggregate reads, so it
-- never visits the table.

ALTER TABLE enforcement_case ADD COLUMN closed_days INTEGER;
UPDATE enforcement_case
SET closed_days = CAST(julianday(closed_on) AS INTEGER) - CAST(julianday(filed_on) AS INTEGER)
WHERE closed_on IS NOT NULL;

CREATE INDEX enforcement_case_county_filed_idx ON enforcement_case (county_code, filed_on, closed_days, satisfaction);
CREATE INDEX enforcement_case_town_filed_idx ON enforcement_case (division_code, filed_on, closed_days, satisfaction);
CREATE INDEX joint_inspection_county_idx ON joint_inspection (county_code, visit_on);
