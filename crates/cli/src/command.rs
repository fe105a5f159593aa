//! The command center's events from the command line.

use clap::Subcommand;
use grassroots_app::{Actor, App};

use crate::{explain, print_lines};

#[derive(Subcommand)]
pub(crate) enum EventsCommand {
    /// Raise overdue events to the town's leadership, then the county, as the server does
    /// every five minutes; prints how many rose.
    Escalate,
    /// Open events past their deadline, oldest first: due day, escalation, town, office, title.
    Overdue,
}

pub(crate) async fn events(app: App, cmd: EventsCommand) -> Result<(), String> {
    match cmd {
        EventsCommand::Escalate => {
            let raised = app.escalate_overdue().await.map_err(explain)?;
            println!("{raised} events escalated");
        }
        EventsCommand::Overdue => {
            let actor = Actor::system("events");
            let mut events = Vec::new();
            for page in 1.. {
                let req = grassroots_domain::page::PageRequest { page, per_page: 200 };
                let p = app.list_events(&actor, None, true, req).await.map_err(explain)?;
                let done = p.items.len() < 200;
                events.extend(p.items);
                if done {
                    break;
                }
            }
            events.sort_by(|a, b| a.due_on.cmp(&b.due_on));
            print_lines(events.iter().map(|e| {
                let due = e.due_on.as_deref().unwrap_or("");
                let office = e.office.as_deref().unwrap_or("");
                format!("{due}\t{}\t{}\t{office}\t{}", e.escalated_to(true), e.town_code, e.title)
            }));
        }
    }
    Ok(())
}
