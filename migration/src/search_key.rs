//! The folded form names are searched by: compatibility-decomposed (NFKD), combining
//! marks dropped, lowercased, blanks collapsed. "Café Zürich" and "cafe zurich" fold
//! alike, so a prefix search ignores case and accents on SQLite and PostgreSQL alike
//! (neither engine folds accents by itself without extensions). Defined here because the
//! migration that adds a folded column fills it for the rows already stored, and the
//! gateway keeps it for every row it writes and every prefix it searches.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

pub fn search_key(name: &str) -> String {
    let folded: String = name
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::search_key;

    #[test]
    fn case_accents_and_blanks_fold_away() {
        assert_eq!(search_key("  Café   Zürich Bank "), "cafe zurich bank");
        assert_eq!(search_key("ÅSTRÖM"), search_key("astrom"));
        assert_eq!(search_key("ﬁnance"), "finance");
    }
}
