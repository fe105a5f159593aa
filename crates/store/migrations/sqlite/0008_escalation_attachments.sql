-- Events overdue are escalated: first to the town's leadership, then to the county
-- (`escalation` 1 and 2, with the day it last rose). Files attached to an event are kept
-- on disk under their SHA-256; the row names the file and proves its content.
-- A case records the day its act was discovered, from which the limitation is counted,
-- and whether the act caused harm (which makes the period five years).

ALTER TABLE event ADD COLUMN escalation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event ADD COLUMN escalated_on TEXT;
CREATE INDEX event_open_due_idx ON event (state, due_on);

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
