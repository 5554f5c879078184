//! Prints the program's Anchor IDL (JSON) to stdout.

fn main() {
    let idl = lume_registry::idl::build();
    println!("{}", serde_json::to_string_pretty(&idl).expect("the IDL is plain JSON"));
}
