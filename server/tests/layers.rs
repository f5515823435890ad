//! The server's layers (docs/architecture.md): `http -> loyalty -> store -> wallet_core`, each
//! file using only its own layer and those below, nothing below `http` naming `AppState`,
//! `ApiError` or axum, and no circle of imports between files. Read from the source, so a wrong
//! import fails here with the file and the line.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A layer's rank: a file may use files of its own rank or lower.
fn rank(module: &str) -> Option<u8> {
    match module.split("::").next()? {
        "store" => Some(1),
        "loyalty" | "demo" => Some(2),
        "http" | "state" | "listen" => Some(3),
        "serve" | "commands" => Some(4),
        // Layer-free helpers any layer may use.
        "clock" | "config" => Some(0),
        _ => None,
    }
}

/// Words a file below `http` must not contain (outside comments).
const HTTP_ONLY: [&str; 3] = ["AppState", "ApiError", "axum"];

struct SourceFile {
    /// `http::cashier::purchase`; `store/mod.rs` is `store`.
    module: String,
    path: PathBuf,
    /// Code without comments and without its tests, line by line.
    lines: Vec<String>,
}

fn source_files() -> Vec<SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&root).expect("under src");
                let mut parts: Vec<String> = relative
                    .with_extension("")
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod") {
                    parts.pop();
                }
                let text = fs::read_to_string(&path).expect("read file");
                // A file's own tests (`mod tests { use super::*; }`) are not its imports.
                let text = text.split("#[cfg(test)]").next().unwrap_or_default();
                files.push(SourceFile {
                    module: parts.join("::"),
                    path,
                    lines: text.lines().map(strip_comment).collect(),
                });
            }
        }
    }
    files
}

fn strip_comment(line: &str) -> String {
    match line.find("//") {
        Some(at) => line[..at].to_owned(),
        None => line.to_owned(),
    }
}

/// The paths named at each `crate::` and `super::` in `code` (`super` resolved against
/// `module`), with their byte offsets; a group `a::{b, c::{d}}` names `a::b` and `a::c::d`.
fn named_paths(code: &str, module: &str) -> Vec<(usize, String)> {
    let mut named = Vec::new();
    for (prefix, base) in [("crate::", String::new()), ("super::", parent(module))] {
        let mut from = 0;
        while let Some(found) = code[from..].find(prefix) {
            let at = from + found;
            from = at + prefix.len();
            let before = code[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut paths = Vec::new();
            parse_tree(&code[from..], &base, &mut paths);
            named.extend(paths.into_iter().map(|path| (at, path)));
        }
    }
    named
}

/// Parses the path (or group of paths) at the start of `text` into full paths under `base`;
/// returns the bytes it read. `self`, `*` and the like name `base` itself.
fn parse_tree(text: &str, base: &str, out: &mut Vec<String>) -> usize {
    let skip_space = |at: usize| at + (text[at..].len() - text[at..].trim_start().len());
    let mut path = base.to_owned();
    let mut at = skip_space(0);
    loop {
        if text[at..].starts_with('{') {
            at += 1;
            loop {
                at = skip_space(at);
                if text[at..].starts_with('}') {
                    return at + 1;
                }
                at += parse_tree(&text[at..], &path, out);
                at = skip_space(at);
                if text[at..].starts_with(',') {
                    at += 1;
                } else {
                    return at + usize::from(text[at..].starts_with('}'));
                }
            }
        }
        let length = text[at..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(text.len() - at);
        let segment = &text[at..at + length];
        at += length;
        if segment.is_empty() || segment == "self" {
            break;
        }
        path = if path.is_empty() {
            segment.to_owned()
        } else {
            format!("{path}::{segment}")
        };
        if text[at..].starts_with("::") {
            at += 2;
        } else {
            break;
        }
    }
    out.push(path);
    at
}

/// What `super` names in `module` (a file `a/b.rs` and a folder `a/b/mod.rs` alike: `a`).
fn parent(module: &str) -> String {
    module
        .rsplit_once("::")
        .map_or("", |(parent, _)| parent)
        .to_owned()
}

/// The longest known file module that `path` starts with.
fn resolve<'a>(path: &str, modules: &'a BTreeSet<String>) -> Option<&'a String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .find_map(|n| modules.get(&parts[..n].join("::")))
}

#[test]
fn each_layer_uses_only_the_layers_below_it_and_no_file_imports_in_a_circle() {
    let files = source_files();
    let modules: BTreeSet<String> = files.iter().map(|f| f.module.clone()).collect();
    let mut wrong = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let own_rank = rank(&file.module);
        let code = file.lines.join("\n");
        let line_of = |offset: usize| code[..offset].matches('\n').count() + 1;
        let at = |offset: usize| format!("{}:{}", file.path.display(), line_of(offset));
        if own_rank.is_some_and(|r| r < 3) {
            for (number, line) in file.lines.iter().enumerate() {
                for word in HTTP_ONLY {
                    if line
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .any(|w| w == word)
                    {
                        let place = format!("{}:{}", file.path.display(), number + 1);
                        wrong.push(format!(
                            "{place}: {} (below http) names {word}",
                            file.module
                        ));
                    }
                }
            }
        }
        for (offset, named) in named_paths(&code, &file.module) {
            let Some(target) = resolve(&named, &modules) else {
                continue;
            };
            if *target != file.module {
                edges
                    .entry(file.module.clone())
                    .or_default()
                    .insert(target.clone());
            }
            if let (Some(mine), Some(theirs)) = (own_rank, rank(target)) {
                if theirs > mine {
                    wrong.push(format!(
                        "{}: {} uses {target}, a layer above it",
                        at(offset),
                        file.module
                    ));
                }
            }
        }
    }
    if let Some(circle) = find_circle(&edges) {
        wrong.push(format!(
            "files import each other in a circle: {}",
            circle.join(" -> ")
        ));
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
    // The check sees the layers at all (a parser that found nothing would pass everything).
    for layer in ["http", "loyalty", "store"] {
        assert!(
            edges.keys().any(|m| m.starts_with(layer)),
            "no imports found in {layer}/"
        );
    }
}

/// A path of modules that leads back to its start, if the graph has one.
fn find_circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|p| p == node) {
            let mut circle = path[start..].to_vec();
            circle.push(node.to_owned());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, edges, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}
