//! The command-center part of the demo: today's events in Linhuan — reported by a village,
//! by patrol and by a resident through the public form — some waiting, some dispatched,
//! one resolved and rated, one reported twice.

use grassroots_domain::command::{Category, EventState, Source};

use super::{DispatchRequest, ProgressRequest, PublicRatingRequest, ReportRequest};
use crate::demo::user;
use crate::{App, Result};

/// A photo of the scene: the smallest PNG there is (one pixel), a real file all the same.
const SCENE_PHOTO: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// Returns how many events were reported (none when the demo has events already).
pub(crate) async fn seed(app: &App) -> Result<usize> {
    let dispatcher = user(app, "linhuan.dispatcher").await?;
    if app.list_events(&dispatcher, None, false, Default::default()).await?.total > 0 {
        return Ok(0);
    }
    let village = user(app, "linhuan.village").await?;
    let report =
        |division: &str, source, category, title: &str, address: &str, point: Option<(f64, f64)>| ReportRequest {
            division: division.into(),
            source,
            category,
            title: title.into(),
            description: String::new(),
            address: address.into(),
            lon: point.map(|p| p.0),
            lat: point.map(|p| p.1),
            reporter_name: String::new(),
            reporter_phone: String::new(),
        };
    let stalls = (116.5851, 33.6189);
    let a = app
        .report_event(
            &village,
            report(
                "340621104200",
                Source::Patrol,
                Category::CityAppearance,
                "临涣老街占道经营，堵塞消防通道",
                "临涣老街南段",
                Some(stalls),
            ),
        )
        .await?;
    let dup = app
        .report_event(
            &dispatcher,
            report(
                "340621104",
                Source::Hotline,
                Category::CityAppearance,
                "老街有摊贩占道",
                "临涣老街",
                Some((116.5855, 33.6191)),
            ),
        )
        .await?;
    app.report_event(
        &dispatcher,
        report("340621104", Source::Hotline, Category::Safety, "浍河桥护栏破损", "浍河大桥北侧", None),
    )
    .await?;
    let burning = app
        .report_event(
            &village,
            report("340621104200", Source::Patrol, Category::Environment, "田间焚烧秸秆", "临涣村东地块", None),
        )
        .await?;
    app.report_event(
        &village,
        report("340621104200", Source::Warning, Category::Safety, "采煤塌陷区边坡出现裂缝", "临涣村塌陷区北岸", None),
    )
    .await?;
    let mut public = report("340621104", Source::Public, Category::PublicService, "集镇路灯不亮", "临涣镇文昌路", None);
    public.reporter_name = "王先生".into();
    public.reporter_phone = "13805611234".into();
    let tracking = app.public_report(public).await?;

    app.attach_to_event(&village, a.event.id, "老街占道现场.png", SCENE_PHOTO.to_vec()).await?;

    let dispatch = |office: &str| DispatchRequest { office: office.into(), note: String::new() };
    app.dispatch_event(&dispatcher, a.event.id, dispatch("临涣镇综合行政执法队")).await?;
    app.dispatch_event(&dispatcher, burning.event.id, dispatch("生态环境保护办公室")).await?;
    let merged = super::MergeEventRequest { into: a.event.id };
    app.merge_event(&dispatcher, dup.event.id, merged).await?;
    let lamp = app
        .list_events(&dispatcher, Some(EventState::New), false, Default::default())
        .await?
        .items
        .into_iter()
        .find(|e| e.tracking_number == tracking);
    if let Some(lamp) = lamp {
        app.dispatch_event(&dispatcher, lamp.id, dispatch("村镇建设办公室")).await?;
        let step = |to| ProgressRequest { to, note: "已更换灯具，恢复照明".into() };
        app.progress_event(&dispatcher, lamp.id, step(EventState::InProgress)).await?;
        app.progress_event(&dispatcher, lamp.id, step(EventState::Resolved)).await?;
        let rating = PublicRatingRequest { tracking_number: tracking, phone: "13805611234".into(), satisfied: true };
        app.rate_event(rating, "127.0.0.1").await?;
    }
    Ok(6)
}
