//! The API change report: one fixture pair (old/new) per rule, each report
//! locked by a snapshot; an unchanged document reports nothing.

use std::path::{Path, PathBuf};

use generator::diff::{bump_version, diff, Bump, Impact};
use generator::lower_spec;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn report(name: &str) -> generator::diff::Report {
    let dir = fixtures().join(name);
    let (old, _, _) = lower_spec(&dir.join("old.yaml")).unwrap();
    let (new, _, _) = lower_spec(&dir.join("new.yaml")).unwrap();
    diff(&old, &new)
}

#[test]
fn every_rule_is_classified() {
    let expected = [
        ("unchanged", Bump::None),
        ("cosmetic", Bump::None),
        ("additive", Bump::Additive),
        ("field_removed", Bump::Breaking),
        ("operation_renamed", Bump::Breaking),
        ("operation_removed", Bump::Breaking),
        ("field_becomes_required", Bump::Breaking),
        ("parameter_becomes_required", Bump::Breaking),
        ("type_changed", Bump::Breaking),
        ("nullable_becomes_non_nullable", Bump::Breaking),
        ("enum_value_removed", Bump::Breaking),
        ("error_mapping_removed", Bump::Breaking),
        ("tag_gains_value", Bump::Breaking),
    ];
    for (name, bump) in expected {
        let report = report(name);
        assert_eq!(report.bump(), bump, "{name}: {}", report.summary());
        insta::assert_snapshot!(name, report.markdown());
    }
}

#[test]
fn unchanged_reports_nothing() {
    let report = report("unchanged");
    assert!(report.changes.is_empty(), "{:?}", report.changes);
    assert_eq!(report.summary(), "no API changes");
}

#[test]
fn cosmetic_changes_are_only_cosmetic() {
    let report = report("cosmetic");
    assert!(!report.changes.is_empty());
    assert!(report.changes.iter().all(|c| c.impact == Impact::Cosmetic), "{:?}", report.changes);
}

#[test]
fn summary_names_the_breaking_change() {
    assert_eq!(report("field_removed").summary(), "1 breaking: field `Key.label` removed");
}

#[test]
fn versions_follow_semver_for_0x() {
    assert_eq!(bump_version("0.1.0", Bump::Breaking), "0.2.0");
    assert_eq!(bump_version("0.1.0", Bump::Additive), "0.1.1");
    assert_eq!(bump_version("0.1.3", Bump::None), "0.1.3");
    assert_eq!(bump_version("1.2.3", Bump::Breaking), "2.0.0");
    assert_eq!(bump_version("1.2.3", Bump::Additive), "1.3.0");
}
