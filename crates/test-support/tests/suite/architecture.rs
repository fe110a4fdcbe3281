//! The module graph of every crate, read from its source: no two modules may import each
//! other, directly or through others (ARCHITECTURE.md's rule), at any level of nesting.
//!
//! A file's module is its path under `src/` (`a/b.rs` and `a/b/mod.rs` are `a::b`). Every
//! `crate::…`, `super::…` and `self::…` path in it (including each item of a `{…}` group)
//! names the deepest module it reaches. An edge between two modules counts at the level of
//! the siblings that hold them: `a::b::c → a::d` is `b → d` inside `a`. A module using its
//! own submodules, or an item of one of its ancestors, is not an edge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The source without comments and string literals (enough for finding paths).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            i += 2;
            while i < b.len() && !b[i..].starts_with(b"*/") {
                i += 1;
            }
            i += 2;
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

fn ident_at(s: &str) -> Option<&str> {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    (end > 0).then(|| &s[..end])
}

/// The paths after `crate::`/`super::`/`self::` at `s` (which starts just after the `::`):
/// one path, or each item of a `{…}` group.
fn paths_after(s: &str, prefix: &[String], out: &mut Vec<Module>) {
    let mut path = prefix.to_vec();
    let mut rest = s;
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        paths_after(group[start..i].trim(), &path, out);
                        return;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        paths_after(group[start..i].trim(), &path, out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            return;
        }
        match ident_at(rest) {
            Some(id) => {
                path.push(id.to_string());
                rest = &rest[id.len()..];
                match rest.strip_prefix("::") {
                    Some(r) => rest = r,
                    None => break,
                }
            }
            None => break,
        }
    }
    out.push(path);
}

/// What `from` refers to, as (possibly too long) module paths.
fn references(from: &Module, code: &str) -> Vec<Module> {
    let mut out = Vec::new();
    for (kw, base) in [
        ("crate::", Vec::new()),
        ("super::", from[..from.len().saturating_sub(1)].to_vec()),
        ("self::", from.clone()),
    ] {
        let mut at = 0;
        while let Some(i) = code[at..].find(kw) {
            let start = at + i;
            let before = code[..start].chars().next_back();
            at = start + kw.len();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut base = base.clone();
            let mut rest = &code[at..];
            // `super::super::x`
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            paths_after(rest, &base, &mut out);
        }
    }
    out
}

/// The module cycles of the crate whose sources are in `src`, each as the modules on it.
fn cycles(src: &Path) -> Vec<Vec<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(src, f)).collect();
    // Edges between siblings, by parent.
    let mut edges: BTreeMap<Module, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for f in &files {
        let from = module_of(src, f);
        let code = code_only(&std::fs::read_to_string(f).unwrap());
        for mut to in references(&from, &code) {
            while !to.is_empty() && !modules.contains(&to) {
                to.pop();
            }
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue; // the same module, a submodule or an ancestor
            }
            edges
                .entry(from[..common].to_vec())
                .or_default()
                .entry(from[common].clone())
                .or_default()
                .insert(to[common].clone());
        }
    }
    let mut found = Vec::new();
    for (parent, graph) in &edges {
        // Depth-first search for a back edge.
        fn visit(
            n: &str,
            graph: &BTreeMap<String, BTreeSet<String>>,
            stack: &mut Vec<String>,
            done: &mut BTreeSet<String>,
            found: &mut Vec<Vec<String>>,
            parent: &Module,
        ) {
            if let Some(i) = stack.iter().position(|s| s == n) {
                found.push(
                    stack[i..]
                        .iter()
                        .map(|m| {
                            [parent.as_slice(), std::slice::from_ref(m)]
                                .concat()
                                .join("::")
                        })
                        .collect(),
                );
                return;
            }
            if !done.insert(n.to_string()) {
                return;
            }
            stack.push(n.to_string());
            for m in graph.get(n).into_iter().flatten() {
                visit(m, graph, stack, done, found, parent);
            }
            stack.pop();
        }
        let mut done = BTreeSet::new();
        for n in graph.keys() {
            visit(n, graph, &mut Vec::new(), &mut done, &mut found, parent);
        }
    }
    found
}

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn no_crate_has_a_module_cycle() {
    let mut checked = 0;
    for entry in std::fs::read_dir(crates_dir()).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            let found = cycles(&src);
            assert!(
                found.is_empty(),
                "{}: module cycles {found:?}",
                src.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} crates found");
}

#[test]
fn the_checker_finds_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("shop")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod shop;\nmod till;\n").unwrap();
    std::fs::write(
        src.join("till.rs"),
        "// crate::shop in a comment is no edge\n",
    )
    .unwrap();
    std::fs::write(src.join("shop/mod.rs"), "mod cart;\nmod pay;\n").unwrap();
    std::fs::write(src.join("shop/cart.rs"), "use super::pay::Card;\n").unwrap();
    std::fs::write(
        src.join("shop/pay.rs"),
        "use crate::{till, shop::cart::{Cart, Line}};\n",
    )
    .unwrap();
    assert_eq!(
        cycles(src),
        vec![vec!["shop::cart".to_string(), "shop::pay".to_string()]]
    );
    // Without the edge back, no cycle; a module using its parent or a child is no edge.
    std::fs::write(
        src.join("shop/pay.rs"),
        "use crate::till;\nuse super::Shop;\n",
    )
    .unwrap();
    assert!(cycles(src).is_empty());
    // A cycle between top-level modules through a nested file.
    std::fs::write(src.join("till.rs"), "fn f() { crate::shop::pay::go() }\n").unwrap();
    std::fs::write(src.join("shop/pay.rs"), "use crate::till;\n").unwrap();
    assert_eq!(
        cycles(src),
        vec![vec!["shop".to_string(), "till".to_string()]]
    );
}
