//! The README's layout section is the map a newcomer reads first: every path it names exists, and
//! every folder and top-level file of the tree is on it.

use std::collections::BTreeSet;
use std::path::Path;

/// The fenced block under `## Layout`.
fn layout_block(readme: &str) -> &str {
    let section = readme
        .split_once("\n## Layout\n")
        .expect("the README has a Layout section")
        .1;
    let fenced = section
        .split_once("```\n")
        .expect("the layout is a fenced block")
        .1;
    fenced.split_once("```").expect("the block is closed").0
}

/// The paths the layout names: the first word of each line that starts at the margin, and every word
/// of the first line (the files at the root).
fn named_paths(block: &str) -> BTreeSet<String> {
    let mut lines = block.lines().filter(|l| !l.trim().is_empty());
    let mut paths: BTreeSet<String> = lines
        .next()
        .expect("the block is not empty")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    paths.extend(
        lines
            .filter(|l| !l.starts_with(' '))
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_owned),
    );
    paths
}

fn entries(root: &Path, folder: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(folder))
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|entry| {
            let entry = entry.expect("readable folder");
            let name = entry.file_name().to_string_lossy().into_owned();
            let slash = if entry.path().is_dir() { "/" } else { "" };
            format!("{folder}/{name}{slash}")
        })
        .collect();
    names.sort();
    names
}

#[test]
fn the_readme_layout_matches_the_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let block = layout_block(&readme);
    let named = named_paths(block);

    let missing: Vec<&String> = named
        .iter()
        .filter(|p| !root.join(p.trim_end_matches('/')).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "the README's layout names paths that do not exist: {missing:?}"
    );

    let covered = |path: &str| {
        named
            .iter()
            .any(|n| path == n || path.starts_with(n.as_str()))
    };
    let mut unlisted: Vec<String> = entries(root, "src")
        .into_iter()
        .chain(entries(root, "tests"))
        .filter(|p| !covered(p))
        .collect();
    for folder in [
        "catalog/",
        "migrations/",
        "templates/",
        "certificates/",
        "benches/",
        "scripts/",
    ] {
        if !named.iter().any(|n| n.starts_with(folder)) {
            unlisted.push(folder.to_owned());
        }
    }
    assert!(
        unlisted.is_empty(),
        "these are in the tree but not on the README's layout: {unlisted:?}"
    );

    // The store is where a newcomer follows an operation down to its SQL: each of its files is named
    // in the store's entry.
    let store_entry: String = block
        .lines()
        .skip_while(|l| !l.starts_with("src/store/"))
        .take_while(|l| l.starts_with("src/store/") || l.starts_with(' '))
        .collect::<Vec<_>>()
        .join(" ");
    let words: BTreeSet<&str> = store_entry
        .split(|c: char| !c.is_alphanumeric() && c != '.' && c != '_')
        .map(|w| w.trim_end_matches('.'))
        .collect();
    let unnamed: Vec<String> = entries(root, "src/store")
        .into_iter()
        .filter_map(|p| {
            let file = p.rsplit('/').next()?.to_owned();
            let stem = file.strip_suffix(".rs")?.to_owned();
            (stem != "mod" && !words.contains(stem.as_str()) && !words.contains(file.as_str()))
                .then_some(file)
        })
        .collect();
    assert!(
        unnamed.is_empty(),
        "the README's src/store/ entry does not name {unnamed:?}"
    );
}
