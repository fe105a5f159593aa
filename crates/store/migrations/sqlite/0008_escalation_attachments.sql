-- Events overdue are escalated: first to the town's leadership, then to the county
-- (`escalation` 1 and 2, with the day it last rose). Files attached to an event are kept
-- on disk under their SHA-256; the row names the file and proves its content.
-- A case records the day its act was discovered, from which the limitation is counted,
-- and whether the act caused harm (which makes the period five years).

ALTER TABLE event ADD COLUMN escalation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event ADD COLUMN escalated_on TEXT;
-- The board of a county reads by county, state and deadline (that index alone answers
-- its counts per office) or by report time; of a village, by village. Escalation scans
-- open events by deadline.
CREATE INDEX event_open_due_idx ON event (state, due_on);
CREATE INDEX event_county_state_due_idx ON event (county_code, state, due_on, paused_on, office);
CREATE INDEX event_county_state_created_idx ON event (county_code, state, created_at);
CREATE INDEX event_division_state_idx ON event (division_code, state);

CREATE TABLE event_attachment (
    id          INTEGER PRIMARY KEY,
    county_code TEXT NOT NULL,
    event_id    INTEGER NOT NULL REFERENCES event (id),
    file_name   TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL
);
CREATE INDEX event_attachment_event_idx ON event_attachment (event_id, id);

ALTER TABLE enforcement_case ADD COLUMN discovered_on TEXT;
ALTER TABLE enforcement_case ADD COLUMN caused_harm INTEGER NOT NULL DEFAULT 0;
