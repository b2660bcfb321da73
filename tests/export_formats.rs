//! Export formats parsed back with real parsers: CSV (csv crate), BibTeX (biblatex crate),
//! CSL-JSON and JSON Lines (serde_json), Markdown by line.

use biblatex::{Bibliography, ChunksExt, EntryType};
use papersift::export::{self, ExportFormat, ExportOptions};
use papersift::index::schema::SPEC;
use papersift::index::StoredPaper;
use proptest::prelude::*;
use serde_json::Value;
use std::io::{self, Write};

fn paper(id: &str, title: &str, authors: &[&str]) -> StoredPaper {
    StoredPaper {
        id: id.into(),
        title: title.into(),
        authors: authors.iter().map(|a| a.to_string()).collect(),
        lang: "en".into(),
        text: format!("Body of {title}."),
        ..Default::default()
    }
}

/// The fixture set, in "relevance" order.
fn papers() -> Vec<StoredPaper> {
    let mut zh = paper(
        "h0123456789abcdef",
        "基于 GNN 的农业信贷风险评估",
        &["张伟", "李娜", "王芳", "刘洋"],
    );
    zh.venue = Some("AAAI".into());
    zh.year = Some(2024);
    zh.lang = "zh".into();
    zh.topics = vec!["graph-learning".into()];
    zh.sources = vec!["notes/agri-credit-gnn.md:1".into()];
    zh.text = "本文提出一种基于图神经网络的农业信贷风险评估方法。".repeat(80);

    let mut zh_bare = paper("hfedcba9876543210", "农业信贷风险评估综述", &["陈静"]);
    zh_bare.lang = "zh".into();

    let mut tricky = paper(
        "h1111111111111111",
        "Quotes \"matter\", commas, and\nnewlines: 50% of $cost & #1_{x}~^\\ | [x]",
        &["Ann O'Neil", "Research and Development"],
    );
    tricky.venue = Some("Foo Workshop".into());
    tricky.year = Some(2022);
    tricky.urls = vec!["https://example.org/a_(b)".into()];
    tricky.keywords = vec!["C#".into(), "50%".into()];
    tricky.sources = vec!["a,b.md:3".into(), "c\"d.md:4".into()];

    let mut journal = paper(
        "h2222222222222222",
        "On the Convergence of ResNet Training with GANs",
        &["Müller, Hans", "Jean-Pierre van der Berg"],
    );
    journal.venue = Some("TPAMI".into());
    journal.year = Some(2021);

    let mut preprint = paper(
        "2401.01234",
        "Towards Scalable Diffusion Transformers",
        &["Priya Raman"],
    );
    preprint.arxiv_id = Some("2401.01234".into());
    preprint.year = Some(2024);
    preprint.topics = vec!["image-generation".into(), "computer-vision".into()];
    preprint.code_url = Some("https://github.com/x/y".into());

    let mut venue_arxiv = paper(
        "2303.11870",
        "Self-Distilled ResNet-50: Teacher-Free Knowledge Distillation for Compact Networks",
        &["Alice Moreau", "Kenji Watanabe", "Priya Raman"],
    );
    venue_arxiv.venue = Some("CVPR".into());
    venue_arxiv.track = Some("Oral".into());
    venue_arxiv.year = Some(2023);
    venue_arxiv.arxiv_id = Some("2303.11870".into());
    venue_arxiv.keywords = vec!["distillation".into()];

    let mut clash1 = paper(
        "1512.03385",
        "Deep Residual Learning for Image Recognition",
        &["Kaiming He", "Xiangyu Zhang"],
    );
    clash1.venue = Some("CVPR".into());
    clash1.year = Some(2016);
    clash1.arxiv_id = Some("1512.03385".into());
    let mut clash2 = paper(
        "1603.05027",
        "Deep Networks with Identity Mappings",
        &["He, Kaiming"],
    );
    clash2.venue = Some("ECCV".into());
    clash2.year = Some(2016);

    vec![
        clash2,
        zh,
        tricky,
        journal,
        preprint,
        venue_arxiv,
        zh_bare,
        clash1,
    ]
}

fn export(papers: Vec<StoredPaper>, format: ExportFormat, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    export::write(papers, format, &ExportOptions { bom }, &mut out).expect("export to memory");
    out
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("exports are UTF-8")
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn expected_csv_row(p: &StoredPaper) -> Vec<String> {
    let o = |x: &Option<String>| x.clone().unwrap_or_default();
    vec![
        p.id.clone(),
        p.title.clone(),
        p.authors.join("; "),
        o(&p.venue),
        p.year.map(|y| y.to_string()).unwrap_or_default(),
        o(&p.track),
        p.topics.join("; "),
        o(&p.arxiv_id),
        p.url().unwrap_or_default(),
        o(&p.code_url),
        p.sources.join("; "),
    ]
}

fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    r.records()
        .map(|rec| rec.expect("valid CSV").iter().map(str::to_string).collect())
        .collect()
}

/// Every record ends in CRLF: outside quoted fields, no bare CR or LF.
fn assert_crlf_records(bytes: &[u8]) {
    let mut in_quotes = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => assert_eq!(bytes[i - 1], b'\r', "bare LF at byte {i}"),
            b'\r' if !in_quotes => assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at {i}"),
            _ => {}
        }
    }
    assert!(!in_quotes);
    assert!(bytes.ends_with(b"\r\n"));
}

#[test]
fn csv_parses_back_to_the_same_rows() {
    let ps = papers();
    let out = export(ps.clone(), ExportFormat::Csv, false);
    assert!(!out.starts_with(BOM));
    assert_crlf_records(&out);
    let rows = parse_csv(&out);
    assert_eq!(
        rows[0],
        [
            "id", "title", "authors", "venue", "year", "track", "topics", "arxiv_id", "url",
            "code_url", "sources"
        ]
    );
    assert_eq!(rows.len(), ps.len() + 1);
    for (row, p) in rows[1..].iter().zip(&ps) {
        assert_eq!(row, &expected_csv_row(p));
    }
    assert!(rows.iter().all(|r| r.len() == 11));
}

#[test]
fn csv_bom_only_when_asked() {
    let plain = export(papers(), ExportFormat::Csv, false);
    let bom = export(papers(), ExportFormat::Csv, true);
    assert!(bom.starts_with(BOM));
    assert_eq!(&bom[3..], &plain[..]);
    for f in [
        ExportFormat::Jsonl,
        ExportFormat::Bibtex,
        ExportFormat::CslJson,
    ] {
        assert!(!export(papers(), f, true).starts_with(BOM), "{f}");
    }
}

#[test]
fn csv_empty_result_is_a_header() {
    let out = text(export(vec![], ExportFormat::Csv, false));
    assert_eq!(out.lines().count(), 1);
    assert!(out.starts_with("id,title,"));
}

#[test]
fn jsonl_lines_parse_with_schema_version_and_text() {
    let ps = papers();
    let out = text(export(ps.clone(), ExportFormat::Jsonl, false));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), ps.len());
    for (line, p) in lines.iter().zip(&ps) {
        let v: Value = serde_json::from_str(line).expect("each line is JSON");
        assert_eq!(v["schema_version"], u64::from(SPEC.version));
        assert_eq!(v["id"], p.id.as_str());
        assert_eq!(v["title"], p.title.as_str());
        assert_eq!(v["text"], p.text.as_str());
        assert_eq!(v["authors"].as_array().map(Vec::len), Some(p.authors.len()));
        for k in [
            "venue", "year", "arxiv_id", "url", "code_url", "track", "date",
        ] {
            assert!(v.get(k).is_some(), "key {k} always present");
        }
    }
}

/// Item types of CSL 1.0.2 (csl-data.json).
const CSL_TYPES: &[&str] = &[
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "classic",
    "collection",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "event",
    "figure",
    "graphic",
    "hearing",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "performance",
    "periodical",
    "personal_communication",
    "post",
    "post-weblog",
    "regulation",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
];

/// Checks the CSL data schema's shape for the variables we emit.
fn check_csl_item(item: &Value) {
    let o = item.as_object().expect("item is an object");
    assert!(o["id"].is_string(), "id is a string");
    let t = o["type"].as_str().expect("type is a string");
    assert!(CSL_TYPES.contains(&t), "type {t}");
    for k in [
        "title",
        "container-title",
        "container-title-short",
        "event-title",
        "publisher",
        "number",
        "URL",
        "keyword",
        "abstract",
        "language",
    ] {
        if let Some(v) = o.get(k) {
            assert!(v.is_string(), "{k} is a string");
        }
    }
    for a in o
        .get("author")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let a = a.as_object().expect("name is an object");
        let parts = a.get("family").is_some_and(Value::is_string)
            && a.get("given").is_none_or(Value::is_string)
            && a.get("literal").is_none();
        let literal = a.get("literal").is_some_and(Value::is_string) && a.get("family").is_none();
        assert!(parts || literal, "author {a:?}");
    }
    if let Some(issued) = o.get("issued") {
        let dp = issued["date-parts"].as_array().expect("date-parts");
        assert!(dp
            .iter()
            .all(|d| d.as_array().is_some_and(|d| d.iter().all(Value::is_u64))));
    }
    if let Some(c) = o.get("custom") {
        assert!(c.is_object());
    }
}

fn csl(ps: Vec<StoredPaper>) -> Vec<Value> {
    let out = text(export(ps, ExportFormat::CslJson, false));
    let v: Value = serde_json::from_str(&out).expect("CSL-JSON parses");
    v.as_array().expect("one array").clone()
}

fn by_custom_id<'a>(items: &'a [Value], id: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["custom"]["papersift_id"] == id)
        .expect("item present")
}

#[test]
fn csl_json_validates_and_maps_types() {
    let ps = papers();
    let items = csl(ps.clone());
    assert_eq!(items.len(), ps.len());
    items.iter().for_each(check_csl_item);

    let cvpr = by_custom_id(&items, "2303.11870");
    assert_eq!(cvpr["type"], "paper-conference");
    assert_eq!(
        cvpr["container-title"],
        "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)"
    );
    assert_eq!(cvpr["event-title"], "CVPR 2023");
    assert_eq!(cvpr["issued"]["date-parts"], serde_json::json!([[2023]]));
    assert_eq!(cvpr["author"][0]["family"], "Moreau");
    assert_eq!(cvpr["author"][0]["given"], "Alice");
    assert_eq!(cvpr["URL"], "https://arxiv.org/abs/2303.11870");
    assert_eq!(cvpr["custom"]["track"], "Oral");

    let journal = by_custom_id(&items, "h2222222222222222");
    assert_eq!(journal["type"], "article-journal");
    assert_eq!(
        journal["container-title"],
        "IEEE Transactions on Pattern Analysis and Machine Intelligence (TPAMI)"
    );
    assert_eq!(journal["author"][0]["family"], "Müller");
    assert_eq!(journal["author"][1]["family"], "Berg");
    assert_eq!(journal["author"][1]["non-dropping-particle"], "van der");

    let tricky = by_custom_id(&items, "h1111111111111111");
    assert_eq!(
        tricky["author"][1],
        serde_json::json!({"literal": "Research and Development"})
    );

    let pre = by_custom_id(&items, "2401.01234");
    assert_eq!(pre["type"], "article");
    assert_eq!(pre["publisher"], "arXiv");
    assert_eq!(pre["number"], "arXiv:2401.01234");
    assert_eq!(pre["custom"]["code_url"], "https://github.com/x/y");

    let zh = by_custom_id(&items, "h0123456789abcdef");
    assert_eq!(zh["author"][0], serde_json::json!({"literal": "张伟"}));
    let abs = zh["abstract"].as_str().expect("abstract");
    assert!(abs.chars().count() <= 1001 && abs.ends_with('…'));
}

#[test]
fn csl_ids_are_the_bibtex_keys() {
    let items = csl(papers());
    let bib = Bibliography::parse(&text(export(papers(), ExportFormat::Bibtex, false)))
        .expect("BibTeX parses");
    let csl_ids: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    let bib_keys: Vec<&str> = bib.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(csl_ids, bib_keys);
    assert_eq!(text(export(vec![], ExportFormat::CslJson, false)), "[]\n");
}

fn bibtex(ps: Vec<StoredPaper>) -> Bibliography {
    let out = text(export(ps, ExportFormat::Bibtex, false));
    Bibliography::parse(&out).unwrap_or_else(|e| panic!("BibTeX parses: {e:?}\n{out}"))
}

fn field(e: &biblatex::Entry, name: &str) -> Option<String> {
    e.get(name).map(|c| c.format_verbatim())
}

#[test]
fn bibtex_parses_with_expected_types_and_fields() {
    let ps = papers();
    let bib = bibtex(ps.clone());
    assert_eq!(bib.len(), ps.len());
    let keys: Vec<&str> = bib.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "he2016deepa",
            "gnn2024",
            "oneil2022quotes",
            "muller2021convergence",
            "raman2024scalable",
            "moreau2023self",
            "paper fedcba98".replace(' ', "").as_str(),
            "he2016deep",
        ]
    );
    for k in &keys {
        assert!(
            k.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
            "{k}"
        );
    }

    let cvpr = bib.get("moreau2023self").expect("entry");
    assert_eq!(cvpr.entry_type, EntryType::InProceedings);
    assert_eq!(
        field(cvpr, "booktitle").as_deref(),
        Some("IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)")
    );
    assert_eq!(field(cvpr, "eprint").as_deref(), Some("2303.11870"));
    assert_eq!(field(cvpr, "archiveprefix").as_deref(), Some("arXiv"));
    assert_eq!(cvpr.author().map(|a| a.len()).ok(), Some(3));
    let raw = text(export(papers(), ExportFormat::Bibtex, false));
    assert!(raw.contains("title = {Self-Distilled {ResNet}-50: Teacher-Free"));

    let pre = bib.get("raman2024scalable").expect("entry");
    assert_eq!(pre.entry_type, EntryType::Misc);
    assert_eq!(field(pre, "eprint").as_deref(), Some("2401.01234"));
    assert_eq!(field(pre, "archiveprefix").as_deref(), Some("arXiv"));
    assert_eq!(field(pre, "primaryclass").as_deref(), Some("cs.CV"));

    let journal = bib.get("muller2021convergence").expect("entry");
    assert_eq!(journal.entry_type, EntryType::Article);
    assert_eq!(
        field(journal, "journal").as_deref(),
        Some("IEEE Transactions on Pattern Analysis and Machine Intelligence (TPAMI)")
    );
    assert!(journal.get("eprint").is_none());
    assert!(raw.contains("{ResNet} Training with {GAN}s"));

    let zh = bib.get("gnn2024").expect("entry");
    assert_eq!(zh.entry_type, EntryType::InProceedings);
    assert_eq!(zh.author().map(|a| a.len()).ok(), Some(4));
    assert!(raw.contains("author = {{张伟} and {李娜} and {王芳} and {刘洋}}"));

    let tricky = bib.get("oneil2022quotes").expect("entry");
    assert_eq!(tricky.entry_type, EntryType::InProceedings);
    assert_eq!(field(tricky, "booktitle").as_deref(), Some("Foo Workshop"));
    assert_eq!(tricky.author().map(|a| a.len()).ok(), Some(2));
    assert!(raw.contains(
        r"50\% of \$cost \& \#1\_\textbraceleft{}x\textbraceright{}\textasciitilde{}\textasciicircum{}\textbackslash{}"
    ));
}

#[test]
fn bibtex_keys_do_not_depend_on_order() {
    let ps = papers();
    let keys_of = |ps: Vec<StoredPaper>| -> Vec<(String, String)> {
        let bib = bibtex(ps.clone());
        let mut v: Vec<(String, String)> = ps
            .iter()
            .zip(bib.iter())
            .map(|(p, e)| (p.id.clone(), e.key.clone()))
            .collect();
        v.sort();
        v
    };
    let base = keys_of(ps.clone());
    let mut rev = ps.clone();
    rev.reverse();
    assert_eq!(keys_of(rev), base);
    let mut rot = ps;
    rot.rotate_left(3);
    assert_eq!(keys_of(rot), base);
    // The smaller id keeps the bare key.
    assert!(base.contains(&("1512.03385".into(), "he2016deep".into())));
    assert!(base.contains(&("1603.05027".into(), "he2016deepa".into())));
}

#[test]
fn markdown_has_one_row_per_paper() {
    let ps = papers();
    let out = text(export(ps.clone(), ExportFormat::Markdown, false));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "| Title | Authors | Venue | Year |");
    assert_eq!(lines.len(), ps.len() + 2);
    for l in &lines[2..] {
        let unescaped = l
            .char_indices()
            .filter(|&(i, c)| c == '|' && !l[..i].ends_with('\\'))
            .count();
        assert_eq!(unescaped, 5, "{l}");
    }
    assert!(lines[3].contains("张伟, 李娜, 王芳 et al."));
    assert!(lines[5].contains("| Hans Müller, Jean-Pierre van der Berg |"));
    assert!(lines[7].starts_with("| [Self-Distilled ResNet-50"));
    assert!(lines[7].contains("(https://arxiv.org/abs/2303.11870)"));
    assert!(
        lines[4].contains("(https://example.org/a\\_%28b%29)")
            || lines[4].contains("(https://example.org/a_%28b%29)")
    );
}

#[test]
fn write_to_file_replaces_atomically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out.bib");
    std::fs::write(&path, "old contents").expect("seed file");
    export::write_to_file(
        &path,
        papers(),
        ExportFormat::Bibtex,
        &ExportOptions::default(),
    )
    .expect("export");
    let written = std::fs::read(&path).expect("read back");
    assert_eq!(written, export(papers(), ExportFormat::Bibtex, false));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["out.bib"]);

    let missing = dir.path().join("no-such-dir").join("out.csv");
    let err = export::write_to_file(
        &missing,
        papers(),
        ExportFormat::Csv,
        &ExportOptions::default(),
    )
    .expect_err("missing directory");
    assert!(format!("{err:#}").contains("out.csv"), "{err:#}");
}

/// Accepts `budget` bytes, then fails like a pipe whose reader has gone.
struct ClosedPipe {
    budget: usize,
}

impl Write for ClosedPipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.budget == 0 {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        let n = buf.len().min(self.budget);
        self.budget -= n;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn broken_pipe_surfaces_as_broken_pipe() {
    let many: Vec<StoredPaper> = std::iter::repeat_n(papers(), 200).flatten().collect();
    for f in ExportFormat::ALL {
        for budget in [0, 10, 100_000] {
            let mut w = ClosedPipe { budget };
            let err = export::write(many.clone(), f, &ExportOptions::default(), &mut w)
                .expect_err("the pipe is closed");
            assert_eq!(
                err.kind(),
                io::ErrorKind::BrokenPipe,
                "{f} after {budget} bytes"
            );
        }
    }
}

#[test]
fn format_names_parse() {
    for (s, f) in [
        ("csv", ExportFormat::Csv),
        ("jsonl", ExportFormat::Jsonl),
        ("csl-json", ExportFormat::CslJson),
        ("bibtex", ExportFormat::Bibtex),
        ("markdown", ExportFormat::Markdown),
    ] {
        assert_eq!(s.parse::<ExportFormat>().ok(), Some(f));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_title_and_authors_survive(
        title in "\\PC{0,60}",
        authors in proptest::collection::vec("[\\PC&&[^;]]{1,20}", 0..4),
        year in proptest::option::of(1900u16..2100),
    ) {
        let mut p = paper("h9999999999999999", &title, &[]);
        p.authors = authors.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
        p.year = year;
        p.venue = Some("CVPR".into());
        let csv_out = export(vec![p.clone()], ExportFormat::Csv, false);
        let rows = parse_csv(&csv_out);
        prop_assert_eq!(&rows[1], &expected_csv_row(&p));

        let bib_out = text(export(vec![p.clone()], ExportFormat::Bibtex, false));
        let bib = Bibliography::parse(&bib_out);
        prop_assert!(bib.is_ok(), "{:?}\n{}", bib.err(), bib_out);
        if let Ok(bib) = bib {
            let key = bib.iter().next().map(|e| e.key.clone()).unwrap_or_default();
            prop_assert!(!key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        }

        let items = csl(vec![p.clone()]);
        prop_assert_eq!(items.len(), 1);
        check_csl_item(&items[0]);
        let jl = text(export(vec![p], ExportFormat::Jsonl, false));
        prop_assert_eq!(jl.lines().count(), 1);
    }
}
