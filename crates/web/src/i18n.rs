//! The words of the pages, in Simplified Chinese (the default) and English.

use axum_extra::extract::cookie::CookieJar;

pub const LANG_COOKIE: &str = "gr_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn from_jar(jar: &CookieJar) -> Self {
        match jar.get(LANG_COOKIE).map(|c| c.value()) {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> (&'static str, &'static str) {
        match self {
            Lang::Zh => ("en", "English"),
            Lang::En => ("zh", "中文"),
        }
    }

    /// One of two texts written side by side where a page uses them.
    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn zh(self) -> bool {
        self == Lang::Zh
    }

    pub fn t(self, key: &str) -> &'static str {
        match MESSAGES.iter().find(|(k, _, _)| *k == key) {
            Some((_, zh, en)) => match self {
                Lang::Zh => zh,
                Lang::En => en,
            },
            None => "?",
        }
    }
}

/// (key, 中文, English)
const MESSAGES: &[(&str, &str, &str)] = &[
    ("app", "基层治理平台", "Grassroots governance"),
    ("login", "登录", "Log in"),
    ("logout", "退出", "Log out"),
    ("username", "用户名", "Username"),
    ("password", "密码", "Password"),
    ("expired", "会话已过期，请重新登录。", "Your session has expired; please log in again."),
    ("home", "首页", "Home"),
    ("divisions", "行政区划", "Divisions"),
    ("bodies", "机构", "Bodies"),
    ("users", "用户", "Users"),
    ("tokens", "接口令牌", "API tokens"),
    ("audit", "审计日志", "Audit log"),
    ("change_password", "修改密码", "Change password"),
    ("current_password", "当前密码", "Current password"),
    ("new_password", "新密码", "New password"),
    ("save", "保存", "Save"),
    ("create", "新建", "Create"),
    ("search", "搜索", "Search"),
    ("name", "名称", "Name"),
    ("code", "代码", "Code"),
    ("level", "级别", "Level"),
    ("kind", "类型", "Kind"),
    ("division", "所在区划", "Division"),
    ("role", "角色", "Role"),
    ("body", "所属机构", "Body"),
    ("display_name", "姓名", "Display name"),
    ("status", "状态", "Status"),
    ("active", "正常", "active"),
    ("disabled", "已停用", "disabled"),
    ("disable", "停用", "Disable"),
    ("enable", "启用", "Enable"),
    ("revoke", "吊销", "Revoke"),
    ("revoked", "已吊销", "revoked"),
    ("created_at", "创建时间", "Created"),
    ("expires_at", "到期时间", "Expires"),
    ("last_used_at", "最近使用", "Last used"),
    ("token_name", "用途", "Purpose"),
    ("expires_in_days", "有效天数（留空为长期）", "Valid for days (empty: no expiry)"),
    ("token_once", "请立即复制此令牌，它只显示这一次：", "Copy this token now; it is shown only once:"),
    ("children", "下级区划", "Subdivisions"),
    ("ancestors", "上级", "Above"),
    ("no_rows", "没有记录。", "Nothing here."),
    ("prev", "上一页", "Previous"),
    ("next", "下一页", "Next"),
    ("total", "共", "Total"),
    ("your_scope", "可见范围", "Your scope"),
    ("signed_in_as", "当前用户", "Signed in as"),
    ("what_you_can_do", "可以做的事", "What you can do"),
    ("error", "出错了", "Something went wrong"),
    ("back", "返回", "Back"),
    ("password_changed", "密码已修改，其他会话已退出。", "Password changed; your other sessions were ended."),
    ("actor", "操作人", "Actor"),
    ("action", "操作", "Action"),
    ("object", "对象", "Object"),
    ("time", "时间", "Time"),
    ("calendar", "工作日", "Working days"),
    (
        "working_days_hint",
        "截止日期按国务院公布的节假日和调休计算。",
        "Deadlines follow the official holidays and adjusted workdays.",
    ),
    (
        "task.admin",
        "管理本范围内的用户、机构和接口令牌，查看审计日志。",
        "Manage users, bodies and API tokens of your scope; read the audit log.",
    ),
    (
        "task.staffing_officer",
        "维护各乡镇履职事项清单，审核任务准入，组织赋权“点菜”。",
        "Keep the towns' duty lists, rule on task admission, run the empowerment menu.",
    ),
    (
        "task.department_officer",
        "向乡镇派发任务，论证赋权申请，牵头配合事项。",
        "Send tasks to towns, assess empowerment orders, lead cooperation items.",
    ),
    (
        "task.town_officer",
        "办理准入后的任务，从菜单中申请权限，报送情况。",
        "Work admitted tasks, order powers from the menu, report.",
    ),
    (
        "task.dispatcher",
        "受理事件并派单，盯办时限，转发预警。",
        "Take in events, dispatch them, watch deadlines, relay warnings.",
    ),
    ("task.inspector", "开展“综合查一次”，办理执法案件。", "Run joint inspections and enforcement cases."),
    ("task.village_officer", "接收预警并确认，上报事件。", "Receive and acknowledge warnings, report events."),
    (
        "task.hazard_monitor",
        "巡查隐患点，确认预警，报告险情。",
        "Patrol hazard points, acknowledge warnings, report danger.",
    ),
    ("task.bureau_officer", "起草、会签地质灾害气象风险预警。", "Draft and co-sign geohazard weather warnings."),
    ("task.viewer", "查看指标和报表。", "Read the indicators and reports."),
    ("lists", "履职事项清单", "Duty lists"),
    ("tasks", "派发任务", "Tasks"),
    ("review", "准入审核", "Admission review"),
    ("burden", "基层负担", "Burden"),
    ("duty", "基本履职事项", "duty"),
    ("cooperation", "配合履职事项", "cooperation"),
    ("negative", "负面清单", "negative"),
    ("decision.review", "待编办审核", "review"),
    ("version", "版本", "Version"),
    ("versions", "版本历史", "Version history"),
    ("draft", "草稿", "draft"),
    ("published", "已发布", "published"),
    ("in_force", "现行有效", "in force"),
    ("effective_from", "生效日期", "Effective from"),
    ("publish", "发布", "Publish"),
    ("import", "导入", "Import"),
    ("inherit", "从县级模板生成本镇草稿", "New draft from the county template"),
    ("export", "导出", "Export"),
    ("file", "文件（XLSX 或 CSV）", "File (XLSX or CSV)"),
    ("note", "说明", "Note"),
    ("compare", "与此版本比较", "Compare with this"),
    ("added", "新增", "Added"),
    ("removed", "删除", "Removed"),
    ("changed", "修改", "Changed"),
    ("area", "领域", "Area"),
    ("all", "全部", "All"),
    ("lead_department", "牵头部门", "Lead department"),
    ("legal_basis", "法律依据", "Legal basis"),
    ("title", "标题", "Title"),
    ("text", "内容", "Text"),
    ("targets", "派往乡镇", "Target towns"),
    ("due_date", "完成时限", "Due"),
    ("send", "派发", "Send"),
    ("send_task", "派发新任务", "Send a task"),
    ("decision", "筛查结论", "Decision"),
    ("matched_item", "对应事项", "Matched item"),
    ("score", "得分", "Score"),
    ("state", "状态", "State"),
    ("state.accepted", "已接收", "accepted"),
    ("state.refused", "已拒绝", "refused"),
    ("state.pending_review", "待审核", "waiting for review"),
    ("state.withdrawn", "已撤回", "withdrawn"),
    ("withdraw", "撤回任务", "Withdraw"),
    ("appeal", "申诉", "Appeal"),
    ("reason", "理由", "Reason"),
    ("accept", "同意准入", "Accept"),
    ("refuse", "不予准入", "Refuse"),
    ("add_item", "同时纳入清单（可选）：事项编码、类型、名称", "Also add to the list (optional): code, kind, title"),
    ("sender", "派发部门", "Sender"),
    ("month", "月份", "Month"),
    ("refused_share", "拒绝比例", "Refused"),
    ("review_hours", "平均审核用时（小时）", "Average review time (hours)"),
    ("evidence", "依据词", "Evidence"),
    ("ruling", "编办意见", "Ruling"),
];

/// The message a page shows for an error code, in the visitor's language.
pub fn error_message(lang: Lang, code: &str) -> &'static str {
    let (zh, en) = match code {
        "not_found" => ("未找到，或不在您的可见范围内。", "Not found, or not within your scope."),
        "not_yours" => (
            "该事项不属于本部门，只能由其实施部门处理。",
            "This belongs to another department; only that department may act on it.",
        ),
        "forbidden" => ("您的角色无权执行此操作。", "Your role may not do this."),
        "bad_credentials" => ("用户名或密码错误。", "Wrong username or password."),
        "account_locked" => (
            "连续登录失败次数过多，账号已临时锁定，请稍后再试。",
            "Too many failed logins: the account is locked for a while.",
        ),
        "account_disabled" => ("账号已停用，请联系管理员。", "The account is disabled; ask an administrator."),
        "rate_limited" => {
            ("该地址登录失败次数过多，请稍后再试。", "Too many failed logins from this address; try again later.")
        }
        "csrf_failed" => (
            "表单已过期或来源不明，请刷新页面后重试。",
            "The form is stale or not from this site; reload and try again.",
        ),
        "validation_failed" | "invalid_form" => ("输入有误：", "Please correct the input:"),
        "conflict" => ("与现有记录冲突：", "Conflicts with an existing record:"),
        "payload_too_large" => ("提交的内容过大。", "The submission is too large."),
        "unconfigured" => (
            "系统尚未配置信访个人信息加密密钥（petition_key），暂不能办理信访。",
            "The petition key (petition_key) is not configured; petitions cannot be taken yet.",
        ),
        _ => ("服务器内部错误，请稍后再试。", "Internal error; please try again later."),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// One wrong field as a page shows it: Chinese pages say it in Chinese where the code is
/// known, and fall back to the use case's own words.
pub fn field_error(lang: Lang, e: &grassroots_domain::FieldError) -> String {
    let zh = match e.code.as_str() {
        "invalid_username" => "用户名须为 3–64 个字母、数字或“.”“_”“-”",
        "password_too_short" => "密码至少 10 个字符",
        "password_is_username" => "密码不能与用户名相同",
        "wrong_password" => "当前密码不正确",
        "invalid_display_name" => "姓名须为 1–100 个字符",
        "invalid_name" => "名称须为 1–100 个字符",
        "role_does_not_fit_body" => "该角色不能属于这类机构",
        "kind_does_not_fit_level" => "该类机构不能设在这一级区划",
        "unknown_body" => "没有这个机构",
        "unknown_division" => "没有这个行政区划",
        "invalid_division_code" => "区划代码须为 6、9 或 12 位数字",
        "invalid_body_kind" | "invalid_role" => "取值无效",
        "out_of_range" | "invalid_number" => "数值超出范围",
        "required" => "不能为空",
        "too_long" => "内容过长",
        "invalid_date" => "日期应写作 YYYY-MM-DD",
        "not_a_town" => "不是乡镇（街道）",
        "not_a_county" => "不是县级区划",
        "in_the_past" => "日期已过",
        "in_the_future" => "日期不能晚于今天",
        "invalid_plan" => "方案文件不是有效的 JSON 方案",
        "unmapped" => "该职能尚未划转到任何机构",
        "mapped_twice" => "该职能被划转到两个机构",
        "duplicate_function" | "duplicate_code" => "编码重复",
        "unknown_department" => "没有这个部门",
        "unknown_office" => "没有这个机构",
        "unknown_function" => "没有这项职能",
        "department_without_functions" => "该原部门没有任何职能，其编制无处划转",
        "office_without_functions" => "该机构没有承接任何职能",
        "posts_do_not_add_up" => "编制数与随职能划转的编制之和不符",
        "negative_posts" => "编制数不能为负",
        "too_large" => "方案过大",
        "other_town" => "方案不能改到其他乡镇",
        "invalid_power_type" => {
            "权力类型应为行政许可、行政处罚、行政强制、行政检查、行政确认、行政给付、行政奖励、行政裁决或其他行政权力"
        }
        "invalid_risk" => "风险等级应为高、中或低",
        "invalid_opinion" | "invalid_decision" | "invalid_use_kind" => "取值无效",
        "empty_catalog" => "本县赋权事项目录为空",
        "unknown_matter" => "目录中没有这个事项",
        "other_county" => "只有本轮所属县的乡镇可以点单",
        "ordering_closed" => "本轮点单已截止",
        "ordering_open" => "本轮仍在点单，请先截止点单",
        "assessments_pending" => "尚有点单未经部门论证，不能决定",
        "decisions_pending" => "尚有点单未作决定，不能发布",
        "already_held" => "该镇已持有此项权力",
        "not_held" => "该镇当日未持有此项权力",
        "no_power_list" => "该镇尚无权力清单",
        "before_latest" => "早于现行清单的生效日期",
        "out_of_order" => "不能跳过或倒退环节",
        "before_previous_stage" => "日期早于上一环节",
        "dates_out_of_order" => "违法行为、发现、立案的日期须依次先后",
        "time_barred" => "违法行为已超过追责期限，不再给予行政处罚（行政处罚法第三十六条）",
        "power_not_held" => "违法行为发生之日本镇未获赋予该项权力，不能据此立案",
        "hearing_request_late" => "听证申请超过告知后五个工作日",
        "hearing_too_soon" => "应于举行听证七个工作日前通知当事人",
        "over_summary_limit" => "简易程序罚款超过法定限额",
        "already_decided" => "已作出处罚决定，办案期限不再中止或延长",
        "nothing_owed" => "本案没有已送达未缴纳的罚款",
        "not_yet_due" => "罚款缴纳期限尚未届满",
        "not_closed" => "结案后方可回访评价",
        "invalid_credit_code" => "统一社会信用代码有误",
        "not_on_checklist" => "不在本部门检查事项清单中",
        "action_required" => "不合格项须选择责令整改或立案查处",
        "rectify_by_required" => "责令整改须写明整改期限",
        "invalid_deadline" => "整改期限应晚于检查日期",
        "unknown_item" => "本次检查没有这一事项",
        "nothing_to_recheck" => "没有待复查的整改",
        "other_target" => "一次检查只针对一个检查对象",
        "already_rechecked" => "该项整改已复查，结果不再更改",
        "forbidden_type" => "只接受 JPEG、PNG、WebP 照片或 PDF 文件",
        "file_too_large" => "文件超过 10 MiB",
        "empty_file" => "文件是空的",
        "invalid_file_name" => "文件名须为 1–200 个字符，不含 / 或 \\",
        "too_many_files" => "每个事件最多 20 个附件",
        "merged" => "该事件已合并，请在合并后的事件上操作",
        "negative_amount" => "金额不能为负数",
        "invalid_amount" => "金额须为整数（单位：分，1 元 = 100 分）",
        "future_period" => "年度尚未到来",
        "invalid_year" => "年度须为 2000 年以后的四位年份",
        "invalid_income_source" => "收入来源须为经营收入、发包及上交收入、投资收益、补助收入或其他收入",
        "unknown_village" => "本辖区没有这个村",
        "duplicate_line" => "同一村、年度、来源重复出现",
        "invalid_id_number" => "公民身份号码应为 17 位数字加 1 位数字或 X，且含有效出生日期",
        "id_check_digit" => "公民身份号码校验码不符，请核对",
        "invalid_phone" => "手机号应为 11 位数字",
        "invalid_people" => "人数应为 1 至 10000",
        "invalid_channel" | "invalid_petition_kind" | "invalid_petition_stage" => "取值无效",
        "not_sent_on" => "只有转送、交办的事项才能提出异议",
        "objection_late" => "异议应在收到之日起五个工作日内提出（信访工作条例第二十三条）",
        "request_late" => "超过申请期限（收到答复或复查意见之日起三十日内）",
        "already_rereviewed" => "该事项已经复核，同一事实和理由不再受理（信访工作条例第三十六条）",
        "before_last_step" => "日期早于上一环节",
        "over_extension_limit" => "延长办理期限累计不得超过三十日（信访工作条例第三十四条）",
        "not_replied" => "答复后方可评价",
        "invalid_days" => "天数超出范围",
        "expires_before_onset" => "失效时间须晚于生效时间",
        "invalid_datetime" => "时间应写作 2022-06-08 20:00（北京时间）",
        "outside_district" => "不在本区县范围内",
        "same_bureau" => "起草单位不能会签本单位的预警，须由另一局的工作人员会签",
        "expired" => "预警已过失效时间，请重新起草",
        "outside_area" => "该隐患点不在预警区域内",
        "invalid_level" => "预警级别应为红色、橙色、黄色或蓝色",
        "invalid_msg_type" => "消息类型应为更新或解除",
        "invalid_polygon" => "多边形应为以空格分隔的“纬度,经度”",
        "polygon_not_closed" => "多边形至少四个点，且末点与首点相同",
        "invalid_hazard_kind" => "类型应为滑坡、崩塌、泥石流、地面塌陷或地裂缝",
        "invalid_hazard_scale" => "规模应为小型、中型、大型或特大型",
        "invalid_point" => "经度应在 −180 至 180、纬度应在 −90 至 90 之间（WGS84）",
        "invalid_count" => "户数、人数应为 0 或正整数",
        "duplicate_number" => "编号在表中重复",
        "point_exists" => "该编号的隐患点已登记",
        "not_a_village" => "不是村（社区）",
        "not_actual" => "不是正式发布的 CAP 消息（status 须为 Actual）",
        "not_a_warning" => "不是地质灾害预警",
        _ => "",
    };
    match lang {
        Lang::Zh if !zh.is_empty() => format!("{}：{zh}。", field_label(&e.location)),
        _ => format!("{}: {}.", e.location, e.message),
    }
}

fn field_label(location: &str) -> String {
    let place = [
        ("function ", "职能 "),
        ("department ", "原部门 "),
        ("office ", "机构 "),
        ("row ", "第 "),
        ("area ", "预警区域 "),
    ];
    if let Some((en, zh)) = place.iter().find(|(en, _)| location.starts_with(en)) {
        let rest = &location[en.len()..];
        return match rest.split_once(", column ") {
            Some((row, column)) => match column.split_once(" (") {
                Some((letter, field)) => {
                    format!("{zh}{row} 行 {letter} 列（{}）", field_label(field.trim_end_matches(')')))
                }
                None => format!("{zh}{row} 行 {column} 列"),
            },
            None if *en == "row " => format!("{zh}{rest} 行"),
            None => format!("{zh}{rest}"),
        };
    }
    match location {
        "username" => "用户名",
        "password" | "new_password" => "密码",
        "current_password" => "当前密码",
        "display_name" => "姓名",
        "name" => "名称",
        "role" => "角色",
        "body_id" => "所属机构",
        "kind" => "类型",
        "division_code" => "所在区划",
        "expires_in_days" => "有效天数",
        "effective_from" => "生效日期",
        "deadline" => "截止日期",
        "title" => "名称",
        "reason" => "理由",
        "assessment" => "论证意见",
        "matter_code" => "事项",
        "yearly_volume" => "预计年办件量",
        "used_on" => "办理日期",
        "reference" => "案号或件号",
        "town" => "乡镇",
        "round" => "本轮",
        "county" => "县",
        "code" => "编码",
        "department" => "部门",
        "power_type" => "权力类型",
        "risk" => "风险等级",
        "file" => "文件",
        "village_code" => "村代码",
        "year" => "年度",
        "source" => "收入来源",
        "amount_fen" => "金额（分）",
        "file_name" => "文件名",
        "office" => "承办单位",
        "discovered_on" => "发现日期",
        "petitioner.name" => "信访人姓名",
        "petitioner.id_number" => "公民身份号码",
        "petitioner.phone" => "手机号",
        "petitioner.address" => "通讯地址",
        "people" => "人数",
        "received_on" => "收到日期",
        "hearing_days" => "听证天数",
        "approved_by" => "批准人",
        "content" => "诉求内容",
        "on" => "日期",
        "stage" => "阶段",
        "to" => "下一环节",
        "note" => "处理意见或答复",
        "days" => "天数",
        "onset" => "生效时间",
        "expires" => "失效时间",
        "areas" => "预警区域",
        "polygon" => "多边形",
        "level" => "级别",
        "headline" => "标题",
        "description" => "内容",
        "instruction" => "防御措施",
        "msg_type" => "消息类型",
        "cosigned_by" => "会签",
        "point_id" => "隐患点",
        "evacuated" => "转移人数",
        "finding" => "巡查情况",
        "number" => "编号",
        "scale" => "规模",
        "lon" => "经度",
        "lat" => "纬度",
        "point" => "坐标",
        "households" => "威胁户数",
        "monitors" => "监测员",
        "shelter" => "避险场所",
        "route" => "撤离路线",
        other => other,
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_read_in_chinese() {
        let e = |location: &str| grassroots_domain::FieldError {
            location: location.into(),
            code: "required".into(),
            message: String::new(),
        };
        assert_eq!(field_error(Lang::Zh, &e("row 5, column D (department)")), "第 5 行 D 列（部门）：不能为空。");
        assert_eq!(field_error(Lang::Zh, &e("function F003")), "职能 F003：不能为空。");
        assert_eq!(field_error(Lang::Zh, &e("reason")), "理由：不能为空。");
    }

    #[test]
    fn every_key_is_unique_and_translated() {
        let mut keys: Vec<_> = MESSAGES.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(n, keys.len(), "duplicate message key");
        assert!(MESSAGES.iter().all(|(_, zh, en)| !zh.is_empty() && !en.is_empty()));
    }
}
