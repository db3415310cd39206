//! `#[derive(Codec)]` generates `demo_codec::Encode` and `demo_codec::Decode`
//! impls for structs and enums.
//!
//! The workspace uses no registry crates, so there is no `syn`/`quote` here:
//! the item is parsed directly from `proc_macro` tokens and the impls are
//! produced as source text. Only what the derive needs is parsed: field names
//! (or counts), variant names and generic parameters. Field types are never
//! needed because `Decode::decode` is resolved by type inference.
//!
//! Encoding: fields in declaration order; enums prefix a one-byte variant
//! index in declaration order (at most 256 variants).

use proc_macro::{Delimiter, Group, Spacing, TokenStream, TokenTree};

#[proc_macro_derive(Codec)]
pub fn derive_codec(input: TokenStream) -> TokenStream {
    let code = match parse_item(input) {
        Ok(item) => generate(&item),
        Err(msg) => format!("::core::compile_error!({:?});", format!("derive(Codec): {msg}")),
    };
    code.parse().expect("derive(Codec) produced invalid tokens")
}

struct Item {
    name: String,
    generics: Generics,
    body: Body,
}

enum Body {
    Struct(Fields),
    Enum(Vec<Variant>),
}

struct Variant {
    name: String,
    fields: Fields,
}

enum Fields {
    Named(Vec<String>),
    Unnamed(usize),
    Unit,
}

#[derive(Default)]
struct Generics {
    /// Parameters as written, bounds included, defaults removed: `T: Clone, const N: usize`.
    decl: Vec<String>,
    /// Parameters as used in a type path: `T, N`.
    args: Vec<String>,
    /// Type parameters only; these get `Encode`/`Decode` bounds.
    types: Vec<String>,
}

fn parse_item(input: TokenStream) -> Result<Item, String> {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let mut pos = skip_attributes_and_visibility(&tokens, 0);

    let keyword = ident_at(&tokens, pos).ok_or("expected `struct` or `enum`")?;
    pos += 1;
    let name = ident_at(&tokens, pos).ok_or("expected the item name")?;
    pos += 1;

    let mut generics = Generics::default();
    if is_punct(tokens.get(pos), '<') {
        let (params, next) = split_generic_params(&tokens, pos)?;
        generics = parse_generics(params)?;
        pos = next;
    }
    if ident_at(&tokens, pos).as_deref() == Some("where") {
        return Err("`where` clauses are not supported; put bounds on the parameters".into());
    }

    let body = match keyword.as_str() {
        "struct" => Body::Struct(parse_fields(tokens.get(pos))?),
        "enum" => match tokens.get(pos) {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => Body::Enum(parse_variants(g)?),
            _ => return Err("expected the enum body".into()),
        },
        "union" => return Err("unions are not supported".into()),
        other => return Err(format!("unexpected `{other}`")),
    };
    Ok(Item { name, generics, body })
}

/// Skips `#[...]` attributes and `pub` / `pub(...)` starting at `pos`.
fn skip_attributes_and_visibility(tokens: &[TokenTree], mut pos: usize) -> usize {
    loop {
        if is_punct(tokens.get(pos), '#') {
            // `#` followed by a bracket group; inner attributes (`#!`) cannot appear here.
            pos += 2;
        } else if ident_at(tokens, pos).as_deref() == Some("pub") {
            pos += 1;
            if let Some(TokenTree::Group(g)) = tokens.get(pos) {
                if g.delimiter() == Delimiter::Parenthesis {
                    pos += 1;
                }
            }
        } else {
            return pos;
        }
    }
}

fn ident_at(tokens: &[TokenTree], pos: usize) -> Option<String> {
    match tokens.get(pos) {
        Some(TokenTree::Ident(i)) => Some(i.to_string()),
        _ => None,
    }
}

fn is_punct(token: Option<&TokenTree>, ch: char) -> bool {
    matches!(token, Some(TokenTree::Punct(p)) if p.as_char() == ch)
}

/// Splits a token list at commas that are not nested inside `<...>`.
/// Groups (`()`, `[]`, `{}`) are single tokens, so only angle brackets need
/// tracking; the `>` of `->` is not a closing bracket.
fn split_top_level_commas(tokens: &[TokenTree]) -> Vec<Vec<TokenTree>> {
    let mut parts = vec![Vec::new()];
    let mut depth = 0i32;
    let mut after_minus = false;
    for token in tokens {
        let mut minus = false;
        if let TokenTree::Punct(p) = token {
            match p.as_char() {
                '<' => depth += 1,
                '>' if !after_minus => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(Vec::new());
                    after_minus = false;
                    continue;
                }
                '-' => minus = p.spacing() == Spacing::Joint,
                _ => {}
            }
        }
        after_minus = minus;
        parts.last_mut().expect("never empty").push(token.clone());
    }
    parts.retain(|part| !part.is_empty());
    parts
}

/// Returns the tokens between `<` at `open` and its matching `>`, and the
/// position after the `>`.
fn split_generic_params(tokens: &[TokenTree], open: usize) -> Result<(&[TokenTree], usize), String> {
    let mut depth = 0;
    let mut after_minus = false;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        let mut minus = false;
        if let TokenTree::Punct(p) = token {
            match p.as_char() {
                '<' => depth += 1,
                '>' if !after_minus => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok((&tokens[open + 1..i], i + 1));
                    }
                }
                '-' => minus = p.spacing() == Spacing::Joint,
                _ => {}
            }
        }
        after_minus = minus;
    }
    Err("unbalanced generic parameters".into())
}

fn parse_generics(params: &[TokenTree]) -> Result<Generics, String> {
    let mut generics = Generics::default();
    for param in split_top_level_commas(params) {
        // Defaults (`T = u32`) are allowed on the type but not on an impl.
        let end = param.iter().position(|t| is_punct(Some(t), '=')).unwrap_or(param.len());
        let decl = tokens_to_string(&param[..end]);
        match &param[0] {
            TokenTree::Punct(p) if p.as_char() == '\'' => {
                let name = ident_at(&param, 1).ok_or("bad lifetime parameter")?;
                generics.args.push(format!("'{name}"));
            }
            TokenTree::Ident(i) if i.to_string() == "const" => {
                generics.args.push(ident_at(&param, 1).ok_or("bad const parameter")?);
            }
            TokenTree::Ident(i) => {
                generics.args.push(i.to_string());
                generics.types.push(i.to_string());
            }
            _ => return Err("unsupported generic parameter".into()),
        }
        generics.decl.push(decl);
    }
    Ok(generics)
}

fn tokens_to_string(tokens: &[TokenTree]) -> String {
    tokens.iter().cloned().collect::<TokenStream>().to_string()
}

/// Parses what follows a struct name or a variant name.
fn parse_fields(token: Option<&TokenTree>) -> Result<Fields, String> {
    match token {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            let mut names = Vec::new();
            for field in split_top_level_commas(&inner) {
                let pos = skip_attributes_and_visibility(&field, 0);
                let name = ident_at(&field, pos).ok_or("expected a field name")?;
                if !is_punct(field.get(pos + 1), ':') {
                    return Err(format!("expected `:` after field `{name}`"));
                }
                names.push(name);
            }
            Ok(Fields::Named(names))
        }
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            Ok(Fields::Unnamed(split_top_level_commas(&inner).len()))
        }
        // Unit struct (`;`) or unit variant (`,`, `=` or end).
        None | Some(TokenTree::Punct(_)) => Ok(Fields::Unit),
        Some(other) => Err(format!("unexpected `{other}`")),
    }
}

fn parse_variants(body: &Group) -> Result<Vec<Variant>, String> {
    let inner: Vec<TokenTree> = body.stream().into_iter().collect();
    let mut variants = Vec::new();
    for part in split_top_level_commas(&inner) {
        let pos = skip_attributes_and_visibility(&part, 0);
        let name = ident_at(&part, pos).ok_or("expected a variant name")?;
        // An explicit discriminant (`A = 3`) does not change the encoding index.
        let fields = parse_fields(part.get(pos + 1))?;
        variants.push(Variant { name, fields });
    }
    if variants.len() > 256 {
        return Err("more than 256 variants cannot be indexed by one byte".into());
    }
    Ok(variants)
}

/// `impl<..> Trait for Name<..> where T: Trait` header for one of the traits.
fn impl_header(item: &Item, trait_path: &str) -> String {
    let g = &item.generics;
    let decl = if g.decl.is_empty() {
        String::new()
    } else {
        format!("<{}>", g.decl.join(", "))
    };
    let args = if g.args.is_empty() {
        String::new()
    } else {
        format!("<{}>", g.args.join(", "))
    };
    let bounds: Vec<String> = g.types.iter().map(|t| format!("{t}: {trait_path}")).collect();
    let where_clause = if bounds.is_empty() {
        String::new()
    } else {
        format!("where {}", bounds.join(", "))
    };
    format!("impl{decl} {trait_path} for {}{args} {where_clause}", item.name)
}

/// Bindings used in match patterns: `__f0, __f1, ...` so that field names can
/// never shadow the `__out` / `__input` parameters.
fn bindings(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("__f{i}")).collect()
}

/// A pattern for `path` binding each field, plus the binding names.
fn pattern(path: &str, fields: &Fields) -> (String, Vec<String>) {
    match fields {
        Fields::Named(names) => {
            let b = bindings(names.len());
            let pairs: Vec<String> = names.iter().zip(&b).map(|(n, b)| format!("{n}: {b}")).collect();
            (format!("{path} {{ {} }}", pairs.join(", ")), b)
        }
        Fields::Unnamed(count) => {
            let b = bindings(*count);
            (format!("{path}({})", b.join(", ")), b)
        }
        Fields::Unit => (path.to_string(), Vec::new()),
    }
}

/// An expression constructing `path` with every field decoded in order.
fn construct(path: &str, fields: &Fields) -> String {
    const DECODE: &str = "::demo_codec::Decode::decode(__input)?";
    match fields {
        Fields::Named(names) => {
            let inits: Vec<String> = names.iter().map(|n| format!("{n}: {DECODE}")).collect();
            format!("{path} {{ {} }}", inits.join(", "))
        }
        Fields::Unnamed(count) => format!("{path}({})", vec![DECODE; *count].join(", ")),
        Fields::Unit => path.to_string(),
    }
}

fn encode_fields(bindings: &[String]) -> String {
    bindings
        .iter()
        .map(|b| format!("::demo_codec::Encode::encode_to({b}, __out);"))
        .collect()
}

fn size_fields(bindings: &[String]) -> String {
    let sizes: Vec<String> = bindings
        .iter()
        .map(|b| format!("::demo_codec::Encode::size_hint({b})"))
        .collect();
    if sizes.is_empty() {
        "0".into()
    } else {
        sizes.join(" + ")
    }
}

fn generate(item: &Item) -> String {
    let (encode_body, size_body, decode_body) = match &item.body {
        Body::Struct(fields) => {
            let (pat, b) = pattern("Self", fields);
            (
                format!("let {pat} = self; {}", encode_fields(&b)),
                format!("let {pat} = self; {}", size_fields(&b)),
                format!("::core::result::Result::Ok({})", construct("Self", fields)),
            )
        }
        Body::Enum(variants) => {
            let mut encode_arms = String::new();
            let mut size_arms = String::new();
            let mut decode_arms = String::new();
            for (index, variant) in variants.iter().enumerate() {
                let path = format!("Self::{}", variant.name);
                let (pat, b) = pattern(&path, &variant.fields);
                encode_arms += &format!("{pat} => {{ __out.push({index}u8); {} }}\n", encode_fields(&b));
                size_arms += &format!("{pat} => 1 + {},\n", size_fields(&b));
                decode_arms += &format!(
                    "{index}u8 => ::core::result::Result::Ok({}),\n",
                    construct(&path, &variant.fields)
                );
            }
            // An uninhabited enum can never be encoded; `match *self {}` says so.
            let (encode, size) = if variants.is_empty() {
                ("match *self {}".to_string(), "match *self {}".to_string())
            } else {
                (
                    format!("match self {{ {encode_arms} }}"),
                    format!("match self {{ {size_arms} }}"),
                )
            };
            let decode = format!(
                "match <u8 as ::demo_codec::Decode>::decode(__input)? {{
                    {decode_arms}
                    index => ::core::result::Result::Err(::demo_codec::Error::InvalidVariant {{ ty: {:?}, index }}),
                }}",
                item.name
            );
            (encode, size, decode)
        }
    };
    format!(
        "#[automatically_derived]
        {encode_header} {{
            fn encode_to(&self, __out: &mut ::std::vec::Vec<u8>) {{ {encode_body} }}
            fn size_hint(&self) -> usize {{ {size_body} }}
        }}
        #[automatically_derived]
        {decode_header} {{
            fn decode(__input: &mut &[u8]) -> ::core::result::Result<Self, ::demo_codec::Error> {{ {decode_body} }}
        }}",
        encode_header = impl_header(item, "::demo_codec::Encode"),
        decode_header = impl_header(item, "::demo_codec::Decode"),
    )
}
