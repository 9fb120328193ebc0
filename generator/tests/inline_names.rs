//! Names of hoisted inline types (fixture `lowering/inline_names.yaml`; its
//! IR is also snapshotted): titles, union branch tags and kinds instead of
//! branch indices, and a number only for a true collision, with a warning.

use std::path::Path;

use generator::lower_spec;

fn lower_fixture() -> (Vec<String>, Vec<generator::Warning>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lowering/inline_names.yaml");
    let (api, warnings, _) = lower_spec(&path).unwrap();
    (api.types.iter().map(|t| t.rust_name().to_string()).collect(), warnings)
}

#[test]
fn inline_types_are_named_by_title_tag_or_kind() {
    let (names, _) = lower_fixture();
    for expected in [
        // A unique title; a shared one, or one a component has, leaves the path.
        "DisplayPreferences",
        "SettingsLeft",
        "SettingsRight",
        "SettingsNested",
        // Branches tagged by their `type` constants, a string enum, a title.
        "InputItemMessage",
        "InputItemFunctionCall",
        "InputItemKind",
        "ReasoningNote",
        "OutputPane",
        // Untagged objects, by the property only each has.
        "GenerationInputPrompt",
        "GenerationInputMessages",
        // Discriminator mapping keys.
        "PetCat",
        "PetDoggo",
        // Arrays of unions.
        "ConversationTurnsItem",
        "ConversationTurnsItemItem",
        "ConversationTurnsItemItemText",
        "ConversationTurnsItemItemImage",
        "TrimKeepAll",
    ] {
        assert!(names.iter().any(|n| n == expected), "no type `{expected}` among {names:?}");
    }
    let numbered: Vec<&String> = names.iter().filter(|n| n.contains(|c: char| c.is_ascii_digit())).collect();
    assert_eq!(numbered, ["TrimKeepAll2"], "only the collision is numbered");
}

#[test]
fn a_true_collision_is_numbered_with_a_warning() {
    let (_, warnings) = lower_fixture();
    let collisions: Vec<(&str, &str)> = warnings.iter().map(|w| (w.pointer.as_str(), w.message.as_str())).collect();
    assert_eq!(
        collisions,
        [("#/components/schemas/Trim/properties/keep/anyOf/1", "the Rust name `TrimKeepAll` is already used; this type is named `TrimKeepAll2`")]
    );
}

#[test]
fn inline_names_are_deterministic() {
    assert_eq!(lower_fixture().0, lower_fixture().0);
}

#[test]
fn untagged_variants_do_not_repeat_their_unions_name() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lowering/inline_names.yaml");
    let (api, _, _) = lower_spec(&path).unwrap();
    let variants = |union: &str| -> Vec<String> {
        let Some(generator::ir::TypeDef::Union(u)) = api.types.iter().find(|t| t.rust_name() == union) else { panic!("no union `{union}`") };
        u.variants.iter().map(|v| v.rust_name.clone()).collect()
    };
    // Inline branches are named after the union (`GenerationInputPrompt`); their variants are not.
    assert_eq!(variants("GenerationInput"), ["Prompt", "Messages"]);
    assert_eq!(variants("ConversationTurnsItem"), ["String", "ItemArray"]);
    // The collision numbered in the type names stays numbered in the variants.
    assert_eq!(variants("TrimKeep"), ["All", "All2"]);
}
