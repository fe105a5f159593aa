//! Screening a task against a town's lists.
//!
//! 1. **What is asked.** A notice's boilerplate (political preamble, "根据…精神") is set
//!    aside when the notice says anything else, so it cannot swamp the ask.
//! 2. **Which item.** BM25 ranks the items by the words they share with the ask; the
//!    title counts double.
//! 3. **Which action.** Sharing words is not enough: "协助食品安全检查" and "核发食品经营
//!    许可证" share the food. A task that asks the town to assist favours cooperation
//!    items; one that asks it to license, approve, test or penalise favours the negative
//!    list, where such specialised work is withdrawn to the county.
//! 4. **Abstain.** When the best item matches too little of the ask, or an item of another
//!    list comes too close, the task goes to review: the staffing office rules rather
//!    than the engine guessing.
//!
//! Every step is arithmetic on counts, so the same lists and task give the same answer,
//! and the answer carries the words that decided it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use grassroots_domain::admission::{Decision, ItemKind, ListItem};
use serde::Serialize;

use crate::segment::{Segmenter, Word};

/// Words that say the town is asked to assist a county department.
const ASSIST: &[&str] = &["配合", "协助", "协同", "协查", "参与", "支持"];
/// Words that say the town is asked to do specialised work itself: licensing, approval,
/// technical assessment, specialised penalties — what negative lists withdraw.
const SPECIALISED: &[&str] = &[
    "核发", "审批", "许可", "发证", "颁发", "鉴定", "检测", "检验", "评估", "评审", "审查", "认定", "处罚", "罚款",
    "吊销", "查处", "立案", "验收",
];
/// Places kept per evidence word.
const MAX_SPANS: usize = 20;

/// Marks of a notice's preamble rather than its ask.
const BOILERPLATE: &[&str] = &[
    "习近平",
    "新时代",
    "政治站位",
    "高度重视",
    "深入贯彻",
    "认真贯彻",
    "决策部署",
    "党中央",
    "精神",
    "重要指示",
    "重要讲话",
    "二十大",
    "三中全会",
    "为深入",
    "为切实",
    "为进一步",
    "为全面",
    "思想认识",
    "责任感",
    "紧迫感",
];

/// Tuning of the engine. The defaults were chosen on the labelled set in `data/screening`
/// by `cargo run --release -p grassroots-app --example tune_screening`, which also reports
/// how well they carry over to tasks they were not chosen on.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub k1: f64,
    pub b: f64,
    /// Weight of the title's words against the description's.
    pub title_weight: f64,
    /// Factor for items whose list fits the action asked, and for those that do not.
    pub action_boost: f64,
    pub action_penalty: f64,
    /// Below this score, no item matches.
    pub min_score: f64,
    /// Below this share of the ask's weight matched by the item, no item matches.
    pub min_coverage: f64,
    /// An item of another list within this share of the best score makes the call unsure.
    pub min_margin: f64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            k1: 1.2,
            b: 0.3,
            title_weight: 1.0,
            action_boost: 2.0,
            action_penalty: 0.5,
            min_score: 0.0,
            min_coverage: 0.1,
            min_margin: 0.0,
        }
    }
}

/// A word that tied the task to the item, with its weight and where it stands in the task
/// (character offsets into `title + "\n" + description`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub term: String,
    pub weight: f64,
    pub spans: Vec<(usize, usize)>,
}

/// The engine's answer for one task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    pub decision: Decision,
    /// Code of the matched item; `None` for review.
    pub item: Option<String>,
    /// The best item's score, also when the engine abstained.
    pub score: f64,
    /// Share of the ask's weight the best item matched.
    pub coverage: f64,
    /// The action word that steered the choice between lists, if any.
    pub action: Option<String>,
    pub evidence: Vec<Evidence>,
    /// Why a task went to review, when it did.
    pub abstained: Option<&'static str>,
    /// The closest item of another list, for the reviewer.
    pub runner_up: Option<String>,
}

struct Item {
    code: String,
    kind: ItemKind,
    len: f64,
    terms: HashMap<String, f64>,
}

/// An index over one town's items; cheap to query from many threads.
pub struct Screener {
    segmenter: Arc<Segmenter>,
    items: Vec<Item>,
    postings: HashMap<String, Vec<(usize, f64)>>,
    idf: HashMap<String, f64>,
    /// Weight given to words of the ask that no item has: as rare as the rarest.
    unknown_idf: f64,
    avg_len: f64,
    params: Params,
}

impl Screener {
    pub fn new(segmenter: Arc<Segmenter>, items: &[ListItem]) -> Self {
        Self::with_params(segmenter, items, Params::default())
    }

    pub fn with_params(segmenter: Arc<Segmenter>, items: &[ListItem], params: Params) -> Self {
        let mut indexed = Vec::with_capacity(items.len());
        let mut postings: HashMap<String, Vec<(usize, f64)>> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let mut terms: HashMap<String, f64> = HashMap::new();
            let mut add = |text: &str, w: f64| {
                for word in segmenter.words(text) {
                    *terms.entry(word.text).or_default() += w;
                }
            };
            add(&item.title, 2.0);
            add(&item.description, 1.0);
            for k in &item.keywords {
                add(k, 2.0);
            }
            let len = terms.values().sum();
            for (t, tf) in &terms {
                postings.entry(t.clone()).or_default().push((i, *tf));
            }
            indexed.push(Item { code: item.code.clone(), kind: item.kind, len, terms });
        }
        let n = indexed.len() as f64;
        let idf: HashMap<String, f64> = postings
            .iter()
            .map(|(t, p)| (t.clone(), (1.0 + (n - p.len() as f64 + 0.5) / (p.len() as f64 + 0.5)).ln()))
            .collect();
        let unknown_idf = (1.0 + (n + 0.5) / 0.5).ln();
        let avg_len = if indexed.is_empty() { 1.0 } else { indexed.iter().map(|i| i.len).sum::<f64>() / n };
        Self { segmenter, items: indexed, postings, idf, unknown_idf, avg_len, params }
    }

    pub fn screen(&self, title: &str, description: &str) -> Screening {
        let text = format!("{title}\n{description}");
        let words = self.segmenter.words(&text);
        let title_chars = title.chars().count();
        let kept = ask_sentences(&text, title_chars);
        let in_ask = |w: &Word| kept.iter().any(|(s, e)| w.start >= *s && w.end <= *e);

        // The ask as weighted terms, in a fixed order so sums are reproducible.
        let mut query: BTreeMap<&str, f64> = BTreeMap::new();
        for w in words.iter().filter(|w| in_ask(w)) {
            let weight = if w.end <= title_chars { self.params.title_weight } else { 1.0 };
            *query.entry(w.text.as_str()).or_default() += weight;
        }
        let ask_text: String =
            kept.iter().map(|(s, e)| text.chars().skip(*s).take(e - s).collect::<String>()).collect();
        let action = find_action(&ask_text);

        let p = &self.params;
        let mut scores = vec![0.0f64; self.items.len()];
        for (term, qw) in &query {
            let Some(posting) = self.postings.get(*term) else { continue };
            let idf = self.idf[*term];
            for (i, tf) in posting {
                let norm = tf + p.k1 * (1.0 - p.b + p.b * self.items[*i].len / self.avg_len);
                scores[*i] += qw.min(3.0) * idf * tf * (p.k1 + 1.0) / norm;
            }
        }
        for (i, item) in self.items.iter().enumerate() {
            scores[i] *= Action::fit(action, item.kind, p);
        }
        // Best first; ties go to the item listed first.
        let mut order: Vec<usize> = (0..self.items.len()).collect();
        order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]).then(a.cmp(b)));
        let Some(&best) = order.first() else { return self.review(0.0, 0.0, action, vec![], "no_items", None) };
        let best_item = &self.items[best];
        let score = scores[best];
        let runner = order.iter().find(|i| self.items[**i].kind != best_item.kind).copied();
        let runner_score = runner.map_or(0.0, |i| scores[i]);

        let total: f64 =
            query.iter().map(|(t, w)| w.min(3.0) * self.idf.get(*t).copied().unwrap_or(self.unknown_idf)).sum();
        let matched: f64 = query
            .iter()
            .filter(|(t, _)| best_item.terms.contains_key(**t))
            .map(|(t, w)| w.min(3.0) * self.idf[*t])
            .sum();
        let coverage = if total > 0.0 { matched / total } else { 0.0 };

        let mut evidence: Vec<Evidence> = query
            .iter()
            .filter(|(t, _)| best_item.terms.contains_key(**t))
            .map(|(t, w)| Evidence {
                term: (*t).to_owned(),
                weight: round3(w.min(3.0) * self.idf[*t]),
                // Enough places to show; a text that repeats a word a thousand times need not
                // carry a thousand.
                spans: words.iter().filter(|x| x.text == *t).map(|x| (x.start, x.end)).take(MAX_SPANS).collect(),
            })
            .collect();
        evidence.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.term.cmp(&b.term)));
        let runner_code = runner.map(|i| self.items[i].code.clone());

        let unsure = if burden_flag(&ask_text).is_some() {
            Some("burden_flag")
        } else if score < p.min_score {
            Some("weak_match")
        } else if coverage < p.min_coverage {
            Some("low_coverage")
        } else if score > 0.0 && (score - runner_score) / score < p.min_margin {
            Some("close_call")
        } else {
            None
        };
        if let Some(why) = unsure {
            return self.review(score, coverage, action, evidence, why, Some(best_item.code.clone()));
        }
        Screening {
            decision: best_item.kind.decision(),
            item: Some(best_item.code.clone()),
            score: round3(score),
            coverage: round3(coverage),
            action: action.map(|a| a.word().to_owned()),
            evidence,
            abstained: None,
            runner_up: runner_code,
        }
    }

    fn review(
        &self,
        score: f64,
        coverage: f64,
        action: Option<Action>,
        evidence: Vec<Evidence>,
        why: &'static str,
        nearest: Option<String>,
    ) -> Screening {
        Screening {
            decision: Decision::Review,
            item: None,
            score: round3(score),
            coverage: round3(coverage),
            action: action.map(|a| a.word().to_owned()),
            evidence,
            abstained: Some(why),
            runner_up: nearest,
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[derive(Debug, Clone, Copy)]
enum Action {
    /// The town assists a county department.
    Assist(&'static str),
    /// Specialised work, with no word on who does it.
    Specialised(&'static str),
    /// Specialised work that the task puts on the town itself: a push-down.
    TownSpecialised(&'static str),
    /// Specialised work that the task leaves with the county; the town does the rest.
    CountyKeeps(&'static str),
}

impl Action {
    fn word(self) -> &'static str {
        match self {
            Action::Assist(w) | Action::Specialised(w) | Action::TownSpecialised(w) | Action::CountyKeeps(w) => w,
        }
    }

    /// How much an item of this kind fits a task asking this action.
    fn fit(action: Option<Action>, kind: ItemKind, p: &Params) -> f64 {
        match (action, kind) {
            (Some(Action::Assist(_)), ItemKind::Cooperation) => p.action_boost,
            (Some(Action::Assist(_)), ItemKind::Negative) => p.action_penalty,
            (Some(Action::Specialised(_)), ItemKind::Negative) => p.action_boost,
            (Some(Action::Specialised(_)), ItemKind::Cooperation) => p.action_penalty,
            (Some(Action::TownSpecialised(_)), ItemKind::Negative) => p.action_boost * p.action_boost,
            (Some(Action::TownSpecialised(_)), _) => p.action_penalty,
            (Some(Action::CountyKeeps(_)), ItemKind::Negative) => p.action_penalty,
            _ => 1.0,
        }
    }
}

/// Who is to act in a clause: "由乡镇核发" puts licensing on the town, "移交县局依法处罚"
/// leaves the penalty with the county.
const TOWN_AGENT: &[&str] = &[
    "由乡镇",
    "由各乡镇",
    "由属地乡镇",
    "由所在乡镇",
    "乡镇自行",
    "乡镇直接",
    "乡镇当场",
    "以乡镇名义",
    "交由乡镇",
    "交由属地",
];
const COUNTY_AGENT: &[&str] = &["由县", "移交县", "报县", "县局依法", "县分局依法", "交县"];

/// What the town is asked to do. Specialised work that a clause puts on the town itself
/// outweighs any word of assisting ("配合检查…由乡镇当场核发许可证" pushes licensing
/// down); otherwise assisting wins ("配合开展执法检查" asks the town to assist); and
/// specialised words in a clause that gives the work to the county do not count.
fn find_action(ask: &str) -> Option<Action> {
    let clauses: Vec<&str> = ask.split(['，', ',', '。', '；', ';', '：', '\n']).collect();
    let specialised_in = |clause: &str| SPECIALISED.iter().find(|w| clause.contains(**w)).copied();
    let (mut town, mut county, mut unsaid) = (None, None, None);
    for clause in &clauses {
        let Some(w) = specialised_in(clause) else { continue };
        if TOWN_AGENT.iter().any(|a| clause.contains(a)) {
            town.get_or_insert(w);
        } else if COUNTY_AGENT.iter().any(|a| clause.contains(a)) {
            county.get_or_insert(w);
        } else {
            unsaid.get_or_insert(w);
        }
    }
    if let Some(w) = town {
        return Some(Action::TownSpecialised(w));
    }
    if let Some(w) = ASSIST.iter().find(|w| ask.contains(**w)) {
        return Some(Action::Assist(w));
    }
    match (unsaid, county) {
        (Some(w), _) => Some(Action::Specialised(w)),
        (None, Some(w)) => Some(Action::CountyKeeps(w)),
        (None, None) => None,
    }
}

/// The marks of formalism that the 2024 burden-reduction rules single out — ranking,
/// appraisal and "demonstration" campaigns, secondments, apps to sign into, binders of
/// proof. Such work is on no town's list by nature: it always goes to the staffing office.
const BURDEN_FLAGS: &[&str] = &[
    "评比",
    "评选",
    "参评",
    "排名",
    "打分",
    "借调",
    "抽调",
    "下载注册",
    "签到",
    "积分",
    "留痕",
    "痕迹",
    "装订成盒",
    "示范村",
    "示范乡镇",
    "示范店",
    "示范创建",
    "创建材料",
    "达标创建",
    "通报各乡镇",
];

fn burden_flag(ask: &str) -> Option<&'static str> {
    BURDEN_FLAGS.iter().find(|f| ask.contains(**f)).copied()
}

/// The character ranges of the text that carry the ask: the title, and every sentence of
/// the description that is not preamble — unless all of it is, then all of it.
fn ask_sentences(text: &str, title_chars: usize) -> Vec<(usize, usize)> {
    let mut sentences = Vec::new();
    let mut start = title_chars + 1;
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate().skip(start) {
        if matches!(c, '。' | '！' | '？' | '；' | ';' | '\n' | '!' | '?') {
            if i > start {
                sentences.push((start, i));
            }
            start = i + 1;
        }
    }
    if chars.len() > start {
        sentences.push((start, chars.len()));
    }
    let is_preamble = |(s, e): &(usize, usize)| {
        let sentence: String = chars[*s..*e].iter().collect();
        BOILERPLATE.iter().any(|b| sentence.contains(b))
            && !ASSIST.iter().chain(SPECIALISED).any(|w| sentence.contains(w))
            && !sentence.contains('请')
    };
    let asks: Vec<(usize, usize)> = sentences.iter().filter(|s| !is_preamble(s)).copied().collect();
    let mut out = vec![(0, title_chars)];
    out.extend(if asks.is_empty() { sentences } else { asks });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, kind: ItemKind, title: &str, description: &str) -> ListItem {
        ListItem {
            code: code.into(),
            kind,
            area: "民生服务".into(),
            title: title.into(),
            description: description.into(),
            lead_department: if kind == ItemKind::Duty { String::new() } else { "县市场监督管理局".into() },
            legal_basis: String::new(),
            office: String::new(),
            keywords: vec![],
        }
    }

    fn screener() -> Screener {
        let items = vec![
            item(
                "D1",
                ItemKind::Duty,
                "地质灾害隐患点巡查",
                "汛期组织群测群防员对地质灾害隐患点开展巡查，发现险情及时报告并组织避险。",
            ),
            item(
                "C1",
                ItemKind::Cooperation,
                "配合开展食品安全监督检查",
                "配合县市场监督管理局对辖区食品生产经营单位开展监督检查，提供场所信息。",
            ),
            item(
                "N1",
                ItemKind::Negative,
                "食品经营许可证核发",
                "食品经营许可的受理、审查和发证由县市场监督管理局办理，不得交由乡镇承担。",
            ),
            item(
                "D2",
                ItemKind::Duty,
                "农村人居环境整治",
                "组织村庄清洁行动，治理农村生活垃圾和生活污水，改善人居环境。",
            ),
        ];
        Screener::new(Arc::new(Segmenter::new()), &items)
    }

    #[test]
    fn the_action_decides_between_lists_that_share_words() {
        let s = screener();
        let a =
            s.screen("关于协助开展节日食品安全检查的通知", "请各乡镇配合县市场监管局对辖区食品经营户开展监督检查。");
        assert_eq!((a.decision, a.item.as_deref()), (Decision::Cooperation, Some("C1")), "{a:?}");
        let b =
            s.screen("关于由乡镇核发食品经营许可证的通知", "即日起辖区小餐饮的食品经营许可证由各乡镇受理审查并核发。");
        assert_eq!((b.decision, b.item.as_deref()), (Decision::Negative, Some("N1")), "{b:?}");
        assert!(b.evidence.iter().any(|e| e.term == "食品经营许可证" || e.term == "许可证"), "{:?}", b.evidence);
    }

    #[test]
    fn preamble_does_not_swamp_the_ask() {
        let s = screener();
        let d = "为深入贯彻习近平新时代中国特色社会主义思想，认真落实党中央决策部署，切实提高政治站位，高度重视防灾减灾工作。\
                 请各乡镇在主汛期组织群测群防员加密巡查地质灾害隐患点，发现险情立即报告。";
        let r = s.screen("关于做好汛期防灾工作的通知", d);
        assert_eq!((r.decision, r.item.as_deref()), (Decision::Duty, Some("D1")), "{r:?}");
        let span = r.evidence.iter().find(|e| e.term == "隐患点").unwrap().spans[0];
        let text = format!("关于做好汛期防灾工作的通知\n{d}");
        assert_eq!(text.chars().skip(span.0).take(span.1 - span.0).collect::<String>(), "隐患点");
    }

    #[test]
    fn it_abstains_on_work_that_is_on_no_list() {
        let s = screener();
        let r = s.screen(
            "关于下达招商引资任务并实行考核排名的通知",
            "请各乡镇完成年度招商引资签约项目三个，按月报送进度，年底排名通报。",
        );
        assert_eq!(r.decision, Decision::Review, "{r:?}");
        assert!(r.item.is_none() && r.abstained.is_some());
    }

    #[test]
    fn the_same_input_gives_the_same_answer() {
        let s = screener();
        let a = s.screen("农村人居环境整治", "开展村庄清洁行动");
        let b = s.screen("农村人居环境整治", "开展村庄清洁行动");
        assert_eq!(a, b);
    }
}
