//! The typed ids and stored states of valuenet.

db_enum!(FocusKind {
    Technology,
    Industry,
    Geography
});

typed_id! {
    ValueNetId;
}
