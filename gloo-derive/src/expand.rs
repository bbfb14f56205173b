//! Emits the code: trait impls, compile-time proofs, field handles, accessors.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Path};

use crate::ast::{Field, Input, Shape};
use crate::attr::Derive;
use crate::ctxt::Ctxt;

/// Runs the pipeline: read, check, expand; on errors, the errors plus a stub.
pub fn derive(node: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let input = Input::from_syn(&mut cx, node, Derive::Vertex);
    if let Some(input) = &input {
        input.validate(&mut cx);
    }
    match (cx.check(), input) {
        (Ok(()), Some(input)) => expand(&input),
        (Err(errors), input) => {
            let errors = errors.to_compile_error();
            let stub = fallback(node, input.as_ref());
            quote!(#errors #stub)
        }
        (Ok(()), None) => unreachable!("a rejected input always records an error"),
    }
}

/// What keeps one mistake from cascading into "`Point: Vertex` is not
/// satisfied", "no associated item `FIELDS`" and "no method `position_mut`"
/// at every use: stub trait impls, and for a struct with named fields the
/// real handles and accessors. The field type proofs come along, as they
/// hold whatever else is wrong, so that every error shows at once. Nothing
/// here runs: the `compile_error!` beside it stops the build. A generic
/// struct gets no stub, as its impls would need bounds it does not state.
fn fallback(node: &DeriveInput, input: Option<&Input>) -> Option<TokenStream> {
    if !node.generics.params.is_empty() {
        return None;
    }
    let ident = &node.ident;
    // The errors of this second reading were reported by the first.
    let krate = input.map_or_else(|| Input::krate_of(node, Derive::Vertex), Input::krate);
    let (accessors_type, rest) = match input {
        Some(input) => {
            let accessors_ident = accessors_ident(input);
            let proofs = input.fields.iter().map(|field| type_proof(field, input));
            let handles = field_handles(input, &krate);
            let accessors = accessors(input, &krate);
            (quote!(#accessors_ident<N>), quote!(#(#proofs)* #handles #accessors))
        }
        None => (quote!(#krate::__private::NoAccessors<Self, N>), TokenStream::new()),
    };
    Some(quote! {
        #[automatically_derived]
        unsafe impl #krate::Vertex for #ident {
            const LAYOUT: #krate::Layout = #krate::Layout { name: "", stride: 0, fields: &[] };
        }
        #[automatically_derived]
        unsafe impl #krate::NamedAccessors for #ident {
            type Accessors<const N: usize> = #accessors_type;
            fn __buffer<const N: usize>(_: &Self::Accessors<N>) -> &#krate::VertexBuffer<Self, N> {
                ::core::unreachable!()
            }
        }
        #krate::__private::impl_glium_vertex! { #ident; }
        #[automatically_derived]
        unsafe impl #krate::__private::bytemuck::Zeroable for #ident {}
        #[automatically_derived]
        unsafe impl #krate::__private::bytemuck::Pod for #ident {}
        #rest
    })
}

fn expand(input: &Input) -> TokenStream {
    let krate = input.krate();
    let proofs = proofs(input, &krate);
    let vertex = impl_vertex(input, &krate);
    let glium = impl_glium(input, &krate);
    let handles = field_handles(input, &krate);
    let accessors = accessors(input, &krate);
    let ident = input.ident;
    quote! {
        #proofs
        #vertex
        #glium
        // SAFETY: `proofs` fails the build unless, in the struct as
        // compiled (`final_item_proofs`), the fields are exactly those read
        // here, with the types read here, each aligned, tiling the struct
        // from offset 0 in declaration order with no byte of padding, and
        // every field is `Pod` (by the very trait implemented here,
        // whatever path names it) or a tuple of such scalars that tile it
        // like an array.
        #[automatically_derived]
        unsafe impl #krate::__private::bytemuck::Zeroable for #ident {}
        #[automatically_derived]
        unsafe impl #krate::__private::bytemuck::Pod for #ident {}
        #handles
        #accessors
    }
}

/// The proofs that tie the derive's reading of the struct to the struct as
/// finally compiled.
///
/// The derive sees the item's tokens, not the item: an attribute macro
/// written below `#[derive(Vertex)]` runs after it and may rewrite the
/// struct (add `#[repr(packed)]`, retype or add a field), and the derive's
/// reading of `#[repr(C)]` is only text. So every fact the `unsafe impl`s
/// rest on is proven again on the compiled item, by the compiler:
///
/// - a pattern that names every field, by value and without `..`: a field
///   added, removed or renamed fails it, and so does an enum or a union;
/// - each field's compiled type equal to the type the derive read, through
///   a trait with an impl for equal types only, declared here so that no
///   `#[vertex(crate = "...")]` path can stand in for it;
/// - each field aligned for its type (`offset_of!`, `align_of`), in a struct
///   at least as aligned: a packed struct fails, and no accessor can hand
///   out an unaligned reference;
/// - the first field at offset 0; with the padding proofs (each field ends
///   where the next begins, the last where the struct does), the fields
///   then tile the struct in declaration order, which is `repr(C)`'s
///   layout of these fields whatever the compiled `repr` says.
pub(crate) fn final_item_proofs(input: &Input) -> TokenStream {
    let ident = input.ident;
    let name = ident.to_string();
    let derive = input.derive.name();
    let bindings: Vec<Ident> = (0..input.fields.len()).map(|k| format_ident!("__gloo_field_{}", k)).collect();
    let same: Vec<Ident> = (0..input.fields.len()).map(|k| format_ident!("__gloo_same_{}", k)).collect();
    let members = input.fields.iter().map(|field| field.ident);
    let same_types = input.fields.iter().zip(&same).enumerate().map(|(k, (field, same))| {
        let (ty, trait_ident) = (field.ty, format_ident!("__GlooFieldAsRead{}", k));
        let message = format!(
            "field `{}` of `{name}` is `{{Self}}` in the struct as compiled, but `#[derive({derive})]` read `{{T}}`",
            field.unraw(),
        );
        let label = format!("changed after `#[derive({derive})]` read the struct");
        let note = format!(
            "an attribute macro below `#[derive({derive})]` rewrote the struct after the derive proved its layout; \
             write `#[derive({derive})]` below every attribute macro that changes the struct"
        );
        quote_spanned! {ty.span()=>
            #[diagnostic::on_unimplemented(
                message = #message,
                label = #label,
                note = #note
            )]
            trait #trait_ident<T> {}
            impl<T> #trait_ident<T> for T {}
            fn #same<Compiled: #trait_ident<Read>, Read>(_: &Compiled) {}
        }
    });
    let checks = input.fields.iter().zip(&bindings).zip(&same).map(|((field, binding), same)| {
        let ty = field.ty;
        quote_spanned!(ty.span()=> #same::<_, #ty>(&#binding);)
    });
    let alignments = input.fields.iter().map(|field| {
        let (member, ty) = (field.ident, field.ty);
        let message = format!(
            "field `{}` of `{name}` is not aligned for its type in the struct as compiled: `#[repr(packed)]` (perhaps \
             added by an attribute macro below `#[derive({derive})]`) would hand out unaligned references; remove it",
            field.unraw(),
        );
        quote_spanned! {field.ident.span()=>
            const _: () = if ::core::mem::align_of::<#ident>() < ::core::mem::align_of::<#ty>()
                || ::core::mem::offset_of!(#ident, #member) % ::core::mem::align_of::<#ty>() != 0
            {
                ::core::panic!(#message)
            };
        }
    });
    let first = input.fields.first().map(|first| {
        let member = first.ident;
        let message = format!(
            "field `{}` of `{name}` does not start the struct as compiled: without `#[repr(C)]` Rust may reorder the \
             fields; add `#[repr(C)]`",
            first.unraw(),
        );
        quote_spanned! {first.ident.span()=>
            const _: () = if ::core::mem::offset_of!(#ident, #member) != 0 {
                ::core::panic!(#message)
            };
        }
    });
    quote! {
        // Never called: the compiler checks it, which is the proof.
        #[allow(dead_code)]
        const _: () = {
            #(#same_types)*
            fn __gloo_fields_as_compiled(value: #ident) {
                let #ident { #(#members: #bindings),* } = value;
                #(#checks)*
            }
        };
        #(#alignments)*
        #first
    }
}

/// The field's attribute type, as an expression whose trait bound is also
/// the proof that the type is an attribute (or, for a skipped field, plain
/// old data). Spanned on the type so that a failed bound points at it.
///
/// The bound sits on the `{Name}Fields` helpers (`field_checks`), not behind
/// a function of the runtime: with `#[vertex(crate = "...")]` the user
/// chooses what that path holds, and the `unsafe impl Pod` must not rest on
/// it (`pod_proof` ties the traits to the `Pod` implemented). Every use
/// calls the same helper, so a bad type is one error, not one per use.
fn attribute_type(field: &Field, input: &Input) -> TokenStream {
    let (ty, fields) = (field.ty, fields_ident(input));
    match (field.attrs.skip, &field.shape) {
        (Some(_), Shape::Tuple(_)) => {
            let (attribute, krate) = (attribute(field, input), input.krate());
            quote_spanned!(ty.span()=> #krate::__private::skipped_tuple(#attribute))
        }
        (Some(_), _) => quote_spanned!(ty.span()=> #fields::__skipped::<#ty>()),
        (None, _) => {
            let attribute = attribute(field, input);
            quote_spanned!(ty.span()=> ::core::option::Option::Some(#attribute))
        }
    }
}

/// The attribute type of a field that is one, as `attribute_type` describes.
/// A tuple's elements are checked one by one, each call spanned on its
/// element: the first a scalar (`__tuple`), the later ones scalars of the
/// first one's type (`__tuple_element`). Its layout is `tuple_proofs`' job.
fn attribute(field: &Field, input: &Input) -> TokenStream {
    let fields = fields_ident(input);
    match &field.shape {
        Shape::Tuple(elements) => {
            let first = elements[0];
            let components = Literal::u8_unsuffixed(u8::try_from(elements.len()).expect("2 to 4 elements"));
            let later = elements[1..]
                .iter()
                .map(|element| quote_spanned!(element.span()=> #fields::__tuple_element::<#first, #element>()));
            // The later elements as arguments: the compiler then reports
            // the elements' errors in their order, the first one's first.
            quote_spanned!(first.span()=> #fields::__tuple::<#first>(#components, &[#(#later),*]))
        }
        Shape::Plain | Shape::Refused => {
            let ty = field.ty;
            quote_spanned!(ty.span()=> #fields::__attribute::<#ty>())
        }
    }
}

/// Fails the build, on the field's type, unless the type is an attribute
/// (or, for a skipped field, plain old data). Nothing for a tuple of the
/// wrong shape: its error is recorded, and `AttributeField`'s would only
/// repeat it less precisely.
fn type_proof(field: &Field, input: &Input) -> TokenStream {
    if let Shape::Refused = field.shape {
        return TokenStream::new();
    }
    let ty = attribute_type(field, input);
    quote!(const _: () = { let _ = #ty; };)
}

/// The bounds behind `attribute_type`, as functions of the handle struct.
fn field_checks(input: &Input, krate: &Path) -> TokenStream {
    let fields = fields_ident(input);
    let ty = quote!(#krate::AttributeType);
    // Only where needed: a struct with no tuple field names nothing new.
    let tuples = has_tuples(input).then(|| {
        quote! {
            #[doc(hidden)]
            #[allow(dead_code)]
            const fn __tuple<S: #krate::__private::TupleScalar>(components: u8, _later: &[()]) -> #ty {
                #krate::__private::tuple_attribute::<S>(components)
            }
            #[doc(hidden)]
            #[allow(dead_code)]
            const fn __tuple_element<S, T: #krate::__private::TupleScalar + #krate::__private::SameScalar<S>>() {}
        }
    });
    quote! {
        #[automatically_derived]
        impl #fields {
            #[doc(hidden)]
            #[allow(dead_code)]
            const fn __attribute<T: #krate::AttributeField>() -> #ty {
                #krate::__private::attribute_type::<T>()
            }
            #[doc(hidden)]
            #[allow(dead_code)]
            const fn __skipped<T: #krate::__private::PodField>() -> ::core::option::Option<#ty> {
                ::core::option::Option::None
            }
            #tuples
        }
    }
}

/// Proves, for any path the runtime is named by, that its `AttributeField`,
/// `PodField` and (with tuple fields) `TupleScalar` imply the `Pod` whose
/// impl the derive emits.
fn pod_proof(input: &Input, krate: &Path) -> TokenStream {
    let tuples = has_tuples(input).then(|| {
        quote! {
            fn tuple_scalar<T: #krate::__private::TupleScalar>() {
                pod::<T>();
            }
        }
    });
    quote! {
        const _: fn() = || {
            fn pod<T: #krate::__private::bytemuck::Pod>() {}
            fn attribute<T: #krate::AttributeField>() {
                pod::<T>();
            }
            fn skipped<T: #krate::__private::PodField>() {
                pod::<T>();
            }
            #tuples
        };
    }
}

/// Compile-time proofs, each spanned on the field it is about.
fn proofs(input: &Input, krate: &Path) -> TokenStream {
    let ident = input.ident;
    let pod = pod_proof(input, krate);
    let locations = location_proofs(input, krate);
    let types = input.fields.iter().map(|field| type_proof(field, input));
    let tuples = input.fields.iter().map(|field| tuple_proofs(field, ident));
    let compiled = final_item_proofs(input);
    let tiling = tiling_proofs(input, "");
    quote!(#pod #compiled #(#types)* #(#tuples)* #tiling #(#locations)*)
}

/// Const assertions that the fields tile the struct: each ends where the
/// next begins, the last where the struct does. A gap is padding Rust
/// inserted, which the message asks to write out as a skipped field;
/// `why` follows the struct's name in it (the block derive says why).
pub(crate) fn tiling_proofs(input: &Input, why: &str) -> TokenStream {
    let (ident, attr) = (input.ident, input.derive.attr());
    let pairs = input.fields.windows(2).map(|pair| {
        let (a, b) = (&pair[0], &pair[1]);
        let (a_ident, a_ty, b_ident) = (a.ident, a.ty, b.ident);
        let padding = quote! {
            ::core::mem::offset_of!(#ident, #b_ident)
                - (::core::mem::offset_of!(#ident, #a_ident) + ::core::mem::size_of::<#a_ty>())
        };
        padding_proof(b.ident.span(), padding, |bytes, count| {
            format!(
                "{bytes} of padding between `{}` and `{}` in `{ident}`{why}; add an explicit `#[{attr}(skip)] _pad: [u8; {count}]` field",
                a.unraw(),
                b.unraw(),
            )
        })
    });
    let trailing = input.fields.last().map(|last| {
        let (last_ident, last_ty) = (last.ident, last.ty);
        let padding = quote! {
            ::core::mem::size_of::<#ident>()
                - (::core::mem::offset_of!(#ident, #last_ident) + ::core::mem::size_of::<#last_ty>())
        };
        padding_proof(last.ident.span(), padding, |bytes, count| {
            format!(
                "{bytes} of trailing padding after `{}` in `{ident}`; add an explicit `#[{attr}(skip)] _pad: [u8; {count}]` field at the end",
                last.unraw(),
            )
        })
    });
    quote!(#(#pairs)* #trailing)
}

/// For a tuple field, const assertions that its elements tile it like an
/// array of its first element's type: element `k` at `k` times that size
/// from the field's start, each of that size, the tuple `n` times it. With
/// every element `Pod` (`attribute`), the tuple is then plain old data with
/// no padding. Only `core` is named, so no `#[vertex(crate = "...")]` path
/// can weaken the proof; equal element types (`SameScalar`) are for the
/// meaning, and the sizes are checked here anyway.
fn tuple_proofs(field: &Field, ident: &Ident) -> TokenStream {
    let Shape::Tuple(elements) = &field.shape else {
        return TokenStream::new();
    };
    let (member, ty, first, n) = (field.ident, field.ty, elements[0], elements.len());
    let message = format!(
        "the elements of tuple field `{}` in `{ident}` are not laid out like an array here, so its layout cannot be \
         proven; store the field as an array of its scalar",
        field.unraw(),
    );
    let scalar = quote!(::core::mem::size_of::<#first>());
    let size = quote_spanned! {ty.span()=>
        const _: () = if ::core::mem::size_of::<#ty>() != #n * #scalar {
            ::core::panic!(#message)
        };
    };
    let offsets = elements.iter().enumerate().map(|(k, element)| {
        let index = syn::Index::from(k);
        quote_spanned! {element.span()=>
            const _: () = if ::core::mem::offset_of!(#ident, #member.#index) != ::core::mem::offset_of!(#ident, #member) + #k * #scalar
                || ::core::mem::size_of::<#element>() != #scalar
            {
                ::core::panic!(#message)
            };
        }
    });
    quote!(#size #(#offsets)*)
}

fn has_tuples(input: &Input) -> bool {
    input.fields.iter().any(|field| matches!(field.shape, Shape::Tuple(_)))
}

/// For each pair of fields with `#[vertex(location)]`, a const assertion
/// that the lower one's locations (a matrix takes one per column) end
/// before the higher one starts. Equal locations are `validate`'s error.
fn location_proofs(input: &Input, krate: &Path) -> Vec<TokenStream> {
    let located = input.located_attributes();
    let mut proofs = Vec::new();
    for (low, low_at) in &located {
        for (high, high_at) in located.iter().filter(|(_, at)| at > low_at) {
            let low_attribute = attribute(low, input);
            let span = high.attrs.location.as_ref().map_or_else(|| high.ident.span(), |lit| lit.span());
            let message = format!(
                "field `{}` at location {low_at} takes one location per matrix column, which runs into field `{}` at \
                 location {high_at}; give `{}` a location past the last column of `{}`",
                low.unraw(),
                high.unraw(),
                high.unraw(),
                low.unraw(),
            );
            proofs.push(quote_spanned! {span=>
                const _: () = if #low_at + #krate::__private::locations(#low_attribute) > #high_at {
                    ::core::panic!(#message)
                };
            });
        }
    }
    proofs
}

/// A `const` that matches on the `padding` byte count and panics with a
/// literal message, as const panics cannot format numbers: every count gets
/// its own string. Pod fields align to at most 16 bytes in practice; beyond,
/// the message says how to count. No `let`: a user's `const padding` in scope
/// would turn the binding into a pattern. Spanned on `span`, which is where
/// the compiler reports the panic.
fn padding_proof(span: Span, padding: TokenStream, message: impl Fn(&str, &str) -> String) -> TokenStream {
    let arms = (1..16usize).map(|n| {
        let bytes = if n == 1 { "1 byte".to_owned() } else { format!("{n} bytes") };
        let text = message(&bytes, &n.to_string());
        quote_spanned!(span=> #n => ::core::panic!(#text),)
    });
    let many = message("16 or more bytes", "N");
    quote_spanned! {span=>
        const _: () = match #padding {
            0 => {}
            #(#arms)*
            _ => ::core::panic!(#many),
        };
    }
}

fn impl_vertex(input: &Input, krate: &Path) -> TokenStream {
    let ident = input.ident;
    let name = ident.to_string();
    let normalized = normalize_checks(input, krate);
    let accessors = accessors_ident(input);
    let fields = input.fields.iter().map(|field| {
        let (member, ty) = (field.ident, field.ty);
        let (shader, rust) = (field.shader_name(), field.unraw());
        let normalize = field.attrs.normalize.is_some();
        let attribute = attribute_type(field, input);
        let location = match &field.attrs.location {
            Some(location) => quote!(::core::option::Option::Some(#location)),
            None => quote!(::core::option::Option::None),
        };
        quote! {
            #krate::FieldLayout {
                name: #shader,
                ident: #rust,
                offset: ::core::mem::offset_of!(#ident, #member),
                size: ::core::mem::size_of::<#ty>(),
                ty: #attribute,
                normalize: #normalize,
                location: #location,
            }
        }
    });
    quote! {
        // SAFETY: the layout comes from `offset_of!` and `size_of`, the fields
        // are listed in declaration order, which the proofs show is their
        // memory order in the struct as compiled, tiling it with no gap.
        #[automatically_derived]
        unsafe impl #krate::Vertex for #ident {
            const LAYOUT: #krate::Layout = #krate::Layout {
                name: #name,
                stride: ::core::mem::size_of::<#ident>(),
                fields: &[#(#fields),*],
            };
        }
        // SAFETY: `Accessors` is the `repr(transparent)` wrapper emitted
        // below, around this crate's `VertexBuffer` (which `__buffer`'s
        // signature proves, whatever path `crate` named).
        #[automatically_derived]
        unsafe impl #krate::NamedAccessors for #ident {
            type Accessors<const N: usize> = #accessors<N>;
            fn __buffer<const N: usize>(accessors: &Self::Accessors<N>) -> &#krate::VertexBuffer<Self, N> {
                &accessors.0
            }
        }
        #normalized
    }
}

/// For each `#[vertex(normalize)]` field, a constant that fails to compile
/// where the field holds floats, which normalizing leaves as they are (an
/// option without effect is an error, never silently ignored). Its type
/// is known only once resolved: the check reads the compiled layout.
fn normalize_checks(input: &Input, krate: &Path) -> TokenStream {
    let ident = input.ident;
    let checks = input.fields.iter().enumerate().filter(|(_, field)| field.attrs.normalize.is_some()).map(|(index, field)| {
        let message = format!(
            "`normalize` on `{}` has no effect: it holds floats, which reach the shader as they are; normalize applies to 8-, 16- and 32-bit integers (`[u8; 4]` colours): remove it, or store integers",
            field.unraw()
        );
        let span = field.attrs.normalize.expect("filtered on it");
        quote_spanned! {span=>
            const _: () = {
                if let ::core::option::Option::Some(ty) = <#ident as #krate::Vertex>::LAYOUT.fields[#index].ty {
                    ::core::assert!(!::core::matches!(ty.scalar, #krate::ScalarType::F32 | #krate::ScalarType::F64), #message);
                }
            };
        }
    });
    quote!(#(#checks)*)
}

fn impl_glium(input: &Input, krate: &Path) -> TokenStream {
    let ident = input.ident;
    let bindings = input.attributes().map(|field| {
        let (member, ty, shader) = (field.ident, field.ty, field.shader_name());
        let attribute = attribute(field, input);
        let attribute = quote_spanned!(ty.span()=> #krate::__private::glium_attribute(#attribute));
        let normalize = field.attrs.normalize.is_some();
        let location = match &field.attrs.location {
            Some(location) => quote!(#location),
            None => quote!(-1),
        };
        quote! {
            (
                #krate::__private::Cow::Borrowed(#shader),
                ::core::mem::offset_of!(#ident, #member),
                #location,
                #attribute,
                #normalize,
            )
        }
    });
    // Through a macro of the runtime: it expands to the impl where the
    // runtime has glium, and to nothing where it does not.
    quote! {
        #krate::__private::impl_glium_vertex! { #ident; #(#bindings),* }
    }
}

fn fields_ident(input: &Input) -> Ident {
    format_ident!("{}Fields", input.ident)
}

fn accessors_ident(input: &Input) -> Ident {
    format_ident!("{}Accessors", input.ident)
}

fn field_handles(input: &Input, krate: &Path) -> TokenStream {
    let (ident, vis) = (input.ident, input.vis);
    let checks = field_checks(input, krate);
    let fields_ident = fields_ident(input);
    let doc = format!("Typed handles to the fields of [`{ident}`], for generic accessors such as `VertexBuffer::field_mut`. Generated by `#[derive(Vertex)]`.");
    let members = input.fields.iter().map(|field| {
        let (member, ty) = (field.ident, field.ty);
        let doc = format!("Field `{}`.", field.unraw());
        quote!(#[doc = #doc] pub #member: #krate::Field<#ident, #ty>,)
    });
    let values = input.fields.iter().enumerate().map(|(index, field)| {
        let member = field.ident;
        // SAFETY: field number `index` of the struct, at its `offset_of!`.
        quote!(#member: unsafe { #krate::Field::new_unchecked(#index, ::core::mem::offset_of!(#ident, #member)) },)
    });
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug)]
        #vis struct #fields_ident {
            #(#members)*
        }

        #[automatically_derived]
        impl #ident {
            /// Typed handles to this struct's fields, one per field.
            #vis const FIELDS: #fields_ident = #fields_ident { #(#values)* };
        }

        #checks
    }
}

/// The axes of each rank that gets named accessors.
pub(crate) const RANKS: &[(usize, &[&str])] = &[(1, &["i"]), (2, &["i", "j"]), (3, &["i", "j", "k"])];

fn accessors(input: &Input, krate: &Path) -> TokenStream {
    let (ident, vis) = (input.ident, input.vis);
    let accessors = accessors_ident(input);
    let doc = format!(
        "Named field accessors of `VertexBuffer<{ident}, N>` for ranks 1 to 3, generated by \
         `#[derive(Vertex)]`. The buffer dereferences to this type, so `v.position_mut(i, j)` \
         needs no import."
    );
    let impls = RANKS.iter().map(|&(rank, axes)| {
        let axes: Vec<Ident> = axes.iter().map(|axis| Ident::new(axis, Span::call_site())).collect();
        let fields = format_ident!("FIELDS");
        let methods = input
            .accessor_methods()
            .into_iter()
            .map(|(field, names)| rank_methods(field, names, (ident, &fields), &axes, vis));
        quote! {
            #[automatically_derived]
            impl #accessors<#rank> {
                #(#methods)*
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[repr(transparent)]
        #vis struct #accessors<const N: usize>(#krate::VertexBuffer<#ident, N>);

        #(#impls)*
    }
}

/// A field's four accessors at rank `axes.len()`, through the handle
/// `ident::fields.member` (`FIELDS` of a vertex, `BLOCK_FIELDS` of a
/// block).
pub(crate) fn rank_methods(
    field: &Field,
    names: [Ident; 4],
    (ident, fields): (&Ident, &Ident),
    axes: &[Ident],
    vis: &syn::Visibility,
) -> TokenStream {
    let (member, ty, name) = (field.ident, field.ty, field.unraw());
    let [read, write, get, get_mut] = names;
    let index = quote!([#(#axes),*]);
    let params = quote!(#(#axes: usize),*);
    let at = axes.iter().map(|axis| format!("`{axis}`")).collect::<Vec<_>>().join(", ");
    // A `get_` twin a buffer method shadows (`get_size` of a field
    // `size`) is left out: through `Deref` it could never be called.
    let free = |name: &Ident| !crate::valid::BUFFER_METHODS.contains(&name.unraw().to_string().as_str());
    let instead = |twin: &Ident| {
        if free(twin) {
            format!("; [`Self::{twin}`] returns `None` instead")
        } else {
            String::new()
        }
    };
    let doc_read =
        format!("Field `{name}` of the record at {at}.\n\n# Panics\n\nIf the index is out of bounds{}.", instead(&get));
    let doc_write = format!("Field `{name}` of the record at {at}, mutably; marks its bytes for upload.\n\n# Panics\n\nIf the index is out of bounds{}.", instead(&get_mut));
    let doc_get = format!("Field `{name}` of the record at {at}, or `None` if the index is out of bounds.");
    let doc_get_mut = format!("Field `{name}` of the record at {at}, mutably, or `None` if the index is out of bounds (nothing is marked then).");
    let get = free(&get).then(|| {
        quote! {
            #[doc = #doc_get]
            #[inline]
            #vis fn #get(&self, #params) -> ::core::option::Option<&#ty> {
                self.0.get_field(#ident::#fields.#member, #index)
            }
        }
    });
    let get_mut = free(&get_mut).then(|| {
        quote! {
            #[doc = #doc_get_mut]
            #[inline]
            #vis fn #get_mut(&mut self, #params) -> ::core::option::Option<&mut #ty> {
                self.0.get_field_mut(#ident::#fields.#member, #index)
            }
        }
    });
    quote! {
        #[doc = #doc_read]
        #[inline]
        #[track_caller]
        #vis fn #read(&self, #params) -> &#ty {
            self.0.field(#ident::#fields.#member, #index)
        }
        #[doc = #doc_write]
        #[inline]
        #[track_caller]
        #vis fn #write(&mut self, #params) -> &mut #ty {
            self.0.field_mut(#ident::#fields.#member, #index)
        }
        #get
        #get_mut
    }
}
