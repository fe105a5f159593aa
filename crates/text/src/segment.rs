//! Words of a Chinese text, with their places so that evidence can be highlighted.

use jieba_rs::Jieba;

/// A word of the text and where it stands, in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Words that say nothing about which list a task belongs to: they are in nearly every
/// notice a county sends.
const STOPWORDS: &[&str] = &[
    "工作",
    "有关",
    "相关",
    "各乡镇",
    "乡镇",
    "街道",
    "各村",
    "全县",
    "我县",
    "本县",
    "县委",
    "县政府",
    "通知",
    "关于",
    "要求",
    "做好",
    "进一步",
    "加强",
    "切实",
    "认真",
    "及时",
    "确保",
    "按照",
    "根据",
    "以及",
    "并且",
    "或者",
    "其他",
    "进行",
    "实施",
    "推进",
    "落实",
    "情况",
    "方面",
    "问题",
    "事项",
    "任务",
    "单位",
    "部门",
    "人员",
    "同志",
    "年度",
    "今年",
    "明年",
    "月底",
    "前",
    "后",
    "日前",
    "期间",
    "全面",
    "深入",
    "扎实",
    "有效",
    "积极",
    "主动",
    "务必",
    "现将",
    "如下",
    "一下",
    "一个",
    "一些",
    "这些",
    "那些",
    "我们",
    "你们",
    "他们",
    "所有",
    "每个",
    "各类",
    "各项",
];

pub struct Segmenter {
    jieba: Jieba,
}

impl Default for Segmenter {
    fn default() -> Self {
        Self::new()
    }
}

impl Segmenter {
    /// Loads jieba's dictionary (about 0.15 s): build one and share it.
    pub fn new() -> Self {
        let mut jieba = Jieba::new();
        // Terms of township governance that the general dictionary splits apart.
        for w in DOMAIN_WORDS {
            jieba.add_word(w, Some(20_000), None);
        }
        Self { jieba }
    }

    /// Search-mode words (long words also yield their parts), without punctuation,
    /// single characters and stopwords.
    pub fn words(&self, text: &str) -> Vec<Word> {
        self.jieba
            .cut_for_search(text, false)
            .into_iter()
            .filter(|t| t.word.chars().count() >= 2 && t.word.chars().any(char::is_alphabetic))
            .filter(|t| !STOPWORDS.contains(&t.word))
            .map(|t| Word { text: t.word.to_owned(), start: t.start, end: t.end })
            .collect()
    }
}

/// Added to jieba's dictionary so that they stay whole (search mode still yields parts).
const DOMAIN_WORDS: &[&str] = &[
    "群测群防",
    "隐患点",
    "地质灾害",
    "危险性评估",
    "人居环境",
    "面源污染",
    "秸秆禁烧",
    "森林防灭火",
    "防汛抗旱",
    "食品安全",
    "食品经营许可证",
    "排污许可证",
    "网格化",
    "信访",
    "矛盾纠纷",
    "低保",
    "特困",
    "医保",
    "社保",
    "退役军人",
    "双拥",
    "征兵",
    "河长制",
    "林长制",
    "农村危房",
    "宅基地",
    "耕地保护",
    "违法建设",
    "安全生产",
    "燃气",
    "消防",
    "禁毒",
    "反诈",
    "综治",
    "移风易俗",
    "殡葬",
    "环境卫生",
    "垃圾分类",
    "污水处理",
    "饮用水",
    "动物防疫",
    "非洲猪瘟",
    "高标准农田",
    "撂荒",
    "集体经济",
    "三资",
    "乡村振兴",
    "防返贫",
    "监测帮扶",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_places_and_drop_noise() {
        let s = Segmenter::new();
        let words = s.words("请各乡镇做好地质灾害隐患点巡查工作。");
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert!(texts.contains(&"地质灾害") && texts.contains(&"隐患点") && texts.contains(&"巡查"), "{texts:?}");
        assert!(!texts.contains(&"工作") && !texts.contains(&"。"));
        let w = words.iter().find(|w| w.text == "巡查").unwrap();
        assert_eq!(
            "请各乡镇做好地质灾害隐患点巡查工作。".chars().skip(w.start).take(w.end - w.start).collect::<String>(),
            "巡查"
        );
    }
}
