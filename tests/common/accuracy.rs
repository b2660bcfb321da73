//! Character accuracy of repaired text against the clean original (shared by the decode
//! tests and `examples/decode_accuracy.rs`).

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Character accuracy of repaired text: 1 − edit distance / length, line by line when the
/// line counts agree (repair keeps line structure), else over the whole text.
pub fn char_accuracy(got: &str, want: &str) -> f64 {
    let total = want.chars().count().max(1);
    let (g, w): (Vec<&str>, Vec<&str>) = (got.split('\n').collect(), want.split('\n').collect());
    if g.len() != w.len() {
        let gc: Vec<char> = got.chars().collect();
        let wc: Vec<char> = want.chars().collect();
        return 1.0 - levenshtein(&gc, &wc) as f64 / total as f64;
    }
    let dist: usize = g
        .iter()
        .zip(&w)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| {
            let ac: Vec<char> = a.chars().collect();
            let bc: Vec<char> = b.chars().collect();
            levenshtein(&ac, &bc)
        })
        .sum();
    1.0 - dist as f64 / total as f64
}
