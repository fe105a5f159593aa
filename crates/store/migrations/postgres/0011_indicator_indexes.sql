-- The headline figures count a county's or a town's cases and joint visits of a year in
-- one aggregate each: they read by place and day.

CREATE INDEX enforcement_case_county_filed_idx ON enforcement_case (county_code, filed_on);
CREATE INDEX enforcement_case_town_filed_idx ON enforcement_case (division_code, filed_on);
CREATE INDEX joint_inspection_county_idx ON joint_inspection (county_code, visit_on);
