-- The headline figures count a county's or a town's cases and joint visits of a year in
-- one aggregate each; the cases' indexes hold every column the aggregate reads, so it
-- never visits the table.

CREATE INDEX enforcement_case_county_filed_idx ON enforcement_case (county_code, filed_on, closed_on, satisfaction);
CREATE INDEX enforcement_case_town_filed_idx ON enforcement_case (division_code, filed_on, closed_on, satisfaction);
CREATE INDEX joint_inspection_county_idx ON joint_inspection (county_code, visit_on);
