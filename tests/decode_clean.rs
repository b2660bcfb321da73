//! Clean text that looks like mojibake to a naive repairer must pass through unchanged.

use papersift::decode;

#[test]
fn scientific_notation_is_not_mojibake() {
    // Found in a real note: superscript digits are Latin-1 characters and ¹² reads as GBK.
    for line in [
        "| F1 | 8.34×10⁻¹² *** | 4.62×10⁻²⁵ *** |",
        "| Recall | 4.95×10⁻³¹ *** | 2.76×10⁻³⁹ *** |",
        "| Cohen's κ | 2.75×10⁻⁵ *** | 7.45×10⁻⁹ *** |",
        "面积为 12 m² ，体积为 3 m³，温度 25 °C ± 0.5。",
        "p < 10⁻³ (n = 2¹⁰)",
        // Found in a real digest: °× read as Big5.
        "忽视了全景图像360°×180°视野在复杂全局多步推理上的根本优势。",
        // Found in a real digest (daily-arxiv 2026-06-30): a Turkish name read as Big5 gave 秺泪t.
        "*Gbègninougbo Aurel Davy Tchokponhoue,Sevda Öğüt,Ali Idri,Dorina Thanou,Pascal Frossard*",
        // Found in a real digest (daily-arxiv 2026-06-09): áš read as truncated UTF-8 gave Ogham ᚁ.
        "*Marika Kosohorská,Tomáš Kroupa,Tomáš Votroubek*",
    ] {
        let text = format!("# Note\n\n{line}\n");
        let d = decode::decode(text.as_bytes());
        assert_eq!(d.text, text, "changed: {line}");
        assert!(
            d.report.mojibake.lines_repaired.is_empty(),
            "{:?}",
            d.report.mojibake.lines_repaired
        );
    }
}

#[test]
fn shared_digest_with_accented_names_passes_byte_identical() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/daily-arxiv/md/2026-06-30.md");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!(
            "skipped: {} not found (shared corpus absent)",
            path.display()
        );
        return;
    };
    let d = decode::decode(&bytes);
    assert!(
        d.text.as_bytes() == bytes.as_slice(),
        "clean digest changed: {:?}",
        d.report.mojibake.lines_repaired
    );
    assert!(d.report.mojibake.lines_repaired.is_empty());
}
