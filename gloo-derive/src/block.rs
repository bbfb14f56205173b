//! `#[derive(Block)]`: the layout proofs under std140 or std430, the
//! traits, and the accessors of uniform and storage buffers. It shares the
//! vertex derive's model of the input (`ast`), its proofs that tie the
//! reading to the struct as compiled, and its padding proofs.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, GenericParam, Ident, Path, Type};

use crate::ast::{Field, Input};
use crate::attr::Derive;
use crate::ctxt::Ctxt;
use crate::expand::{final_item_proofs, rank_methods, tiling_proofs, RANKS};

/// Methods of `UniformBuffer`: a named accessor of the same name would be
/// shadowed by them (the accessors come through `Deref`), so such names
/// are refused. `tests/accessor_names.rs` checks the list.
const UNIFORM_METHODS: &[&str] = &[
    "as_bytes",
    "bind",
    "clone",
    "dirty",
    "drawable",
    "from_value",
    "get",
    "is_dirty",
    "member",
    "member_mut",
    "new",
    "policy",
    "read_gpu",
    "set",
    "set_policy",
    "stats",
    "take_dirty",
    "upload",
    "upload_plan",
    "zeros",
];

/// Runs the pipeline: read, check, expand; on errors, the errors plus a
/// stub that keeps them from cascading.
pub fn derive(node: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let input = Input::from_syn(&mut cx, node, Derive::Block);
    if let Some(input) = &input {
        validate(input, &mut cx);
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

fn validate(input: &Input, cx: &mut Ctxt) {
    let generics = &input.original.generics;
    if let Some(param) = generics.params.first() {
        let what = match param {
            GenericParam::Lifetime(_) => "lifetime parameters",
            GenericParam::Type(_) => "type parameters",
            GenericParam::Const(_) => "const parameters",
        };
        cx.error_spanned_by(generics, format!("`#[derive(Block)]` does not support {what}: the layout must be known when the derive runs; write a concrete struct"));
    }
    if input.attrs.rules.is_none() {
        cx.error_spanned_by(input.ident, "`#[derive(Block)]` needs the layout rules: add `#[block(std140)]` (uniform blocks) or `#[block(std430)]` (storage blocks)");
    }
    if !input.attrs.repr_c {
        cx.error_spanned_by(input.ident, "`#[derive(Block)]` needs `#[repr(C)]` on the struct: without it Rust may reorder the fields and the GPU would read the wrong bytes");
    }
    if !input.fields.is_empty() && members(input).next().is_none() {
        cx.error_spanned_by(input.ident, "every field is `#[block(skip)]`: a block needs at least one member");
    }
    for field in &input.fields {
        if let (Some(skip), Some(_)) = (field.attrs.skip, &field.attrs.name) {
            cx.syn_error(syn::Error::new(
                skip,
                "`skip` and `name` contradict: a skipped field is padding, not a member; remove one of them",
            ));
        }
        if field.attrs.skip.is_none() && is_bool(field.ty) {
            cx.error_spanned_by(field.ty, format!("field `{}` holds `bool`, which no block does: GLSL's `bool` is 4 bytes and Rust's 1; use `u32` (0 or 1)", field.unraw()));
        }
    }
    let mut seen = std::collections::HashMap::new();
    for field in input.accessor_fields() {
        let (base, span) = field.accessor();
        let Some(names) = field.accessor_idents() else {
            cx.syn_error(syn::Error::new(
                span,
                format!("`{base}` is not a valid method name; give `#[block(accessor = \"...\")]` an identifier"),
            ));
            continue;
        };
        // The uniform accessors are the first two; a storage buffer's
        // have `get_` twins, which may meet another field's names too.
        let names = names.map(|name| syn::ext::IdentExt::unraw(&name).to_string());
        for name in names[..2].iter().filter(|name| UNIFORM_METHODS.contains(&name.as_str())) {
            cx.syn_error(syn::Error::new(span, format!("field `{}` would get the accessor `{name}`, which `UniformBuffer` already has as a method; rename it with `#[block(accessor = \"...\")]`", field.unraw())));
        }
        let mut clashes: Vec<(String, Vec<&String>)> = Vec::new();
        for name in &names {
            let Some(other) = seen.insert(name.clone(), field.unraw()) else { continue };
            match clashes.iter_mut().find(|(earlier, _)| *earlier == other) {
                Some((_, names)) => names.push(name),
                None => clashes.push((other, vec![name])),
            }
        }
        for (other, names) in clashes {
            let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            cx.syn_error(syn::Error::new(
                span,
                format!(
                    "fields `{other}` and `{}` would both get {}; rename one with `#[block(accessor = \"...\")]`",
                    field.unraw(),
                    names.join(", ")
                ),
            ));
        }
    }
}

/// `bool`, written as such, alone or in arrays (`[bool; 4]`).
fn is_bool(ty: &Type) -> bool {
    match ty {
        Type::Path(path) => path.qself.is_none() && path.path.is_ident("bool"),
        Type::Paren(paren) => is_bool(&paren.elem),
        Type::Group(group) => is_bool(&group.elem),
        Type::Array(array) => is_bool(&array.elem),
        _ => false,
    }
}

/// The fields that are block members: all but `#[block(skip)]` padding.
fn members<'i, 'a>(input: &'i Input<'a>) -> impl Iterator<Item = &'i Field<'a>> {
    input.fields.iter().filter(|field| field.attrs.skip.is_none())
}

fn rules(input: &Input, krate: &Path) -> TokenStream {
    match input.attrs.rules.as_ref().map(ToString::to_string).as_deref() {
        Some("std430") => quote!(#krate::Rules::Std430),
        _ => quote!(#krate::Rules::Std140),
    }
}

fn expand(input: &Input) -> TokenStream {
    let krate = input.krate();
    let ident = input.ident;
    let proofs = proofs(input, &krate);
    let traits = impl_block(input, &krate);
    let accessors = accessors(input, &krate);
    quote! {
        #proofs
        #traits
        // SAFETY: `proofs` fails the build unless, in the struct as
        // compiled, the fields are exactly those read here, with the types
        // read here, each aligned, tiling the struct from offset 0 in
        // declaration order with no byte of padding, and every field is
        // `Pod` (by the very trait implemented here, whatever path names
        // it).
        #[automatically_derived]
        unsafe impl #krate::__private::bytemuck::Zeroable for #ident {}
        #[automatically_derived]
        unsafe impl #krate::__private::bytemuck::Pod for #ident {}
        #accessors
    }
}

/// What a failed derive still emits: the traits with an empty layout, so
/// that uses of the struct do not add errors to the derive's own.
fn fallback(node: &DeriveInput, input: Option<&Input>) -> Option<TokenStream> {
    if !node.generics.params.is_empty() {
        return None;
    }
    let ident = &node.ident;
    let krate = input.map_or_else(|| Input::krate_of(node, Derive::Block), Input::krate);
    let accessors = input.map(|input| accessors(input, &krate));
    Some(quote! {
        #[automatically_derived]
        unsafe impl #krate::BlockMember for #ident {
            const TYPE: #krate::BlockType = #krate::BlockType::Struct(&<Self as #krate::Block>::BLOCK);
        }
        #[automatically_derived]
        unsafe impl #krate::Block for #ident {
            const BLOCK: #krate::BlockLayout = #krate::BlockLayout {
                name: "", rules: #krate::Rules::Std140, size: 0, align: 16, fields: &[],
            };
            const SLOTS: &'static [#krate::FieldLayout] = &[];
        }
        #[automatically_derived]
        unsafe impl #krate::__private::bytemuck::Zeroable for #ident {}
        #[automatically_derived]
        unsafe impl #krate::__private::bytemuck::Pod for #ident {}
        #accessors
    })
}

/// The proofs: the struct as compiled is the one read, each field `Pod`
/// (a member type, or plain old data for padding), no implicit padding;
/// then, under the rules, each member where they put it and the struct's
/// size theirs.
fn proofs(input: &Input, krate: &Path) -> TokenStream {
    let compiled = final_item_proofs(input);
    let types = input.fields.iter().map(|field| {
        let ty = field.ty;
        if field.attrs.skip.is_some() {
            quote_spanned!(ty.span()=> skipped::<#ty>();)
        } else {
            quote_spanned!(ty.span()=> member::<#ty>();)
        }
    });
    let pod = quote! {
        // Never called: the compiler checks the bounds, which is the proof.
        #[allow(dead_code)]
        const _: () = {
            fn pod<T: #krate::__private::bytemuck::Pod>() {}
            fn member<T: #krate::BlockMember>() {
                pod::<T>();
            }
            fn skipped<T: #krate::__private::PodField>() {
                pod::<T>();
            }
            fn fields() {
                #(#types)*
            }
        };
    };
    let tiling = tiling_proofs(
        input,
        ", which Rust inserts and leaves uninitialized, so the struct is no plain old data to send",
    );
    let rules_proofs = rules_proofs(input, krate);
    quote!(#compiled #pod #tiling #rules_proofs)
}

/// Under the rules: each member at the offset they give it after the
/// member before, its type fitting them; the struct's size theirs. Each
/// a const that panics with the message the runtime builds.
fn rules_proofs(input: &Input, krate: &Path) -> TokenStream {
    let ident = input.ident;
    let name = ident.to_string();
    let rules = rules(input, krate);
    let end_of = |field: &Field| {
        let (member, ty) = (field.ident, field.ty);
        quote!(::core::mem::offset_of!(#ident, #member) + <#ty as #krate::BlockMember>::TYPE.size(#rules))
    };
    let mut previous: Option<&Field> = None;
    let mut calls = Vec::new();
    for field in members(input) {
        let (member, ty, field_name) = (field.ident, field.ty, field.unraw());
        let previous_end = previous.map_or_else(|| quote!(0), end_of);
        calls.push((
            field,
            quote! {
                #krate::__private::check_member(
                    #name,
                    #field_name,
                    #rules,
                    &<#ty as #krate::BlockMember>::TYPE,
                    ::core::mem::size_of::<#ty>(),
                    ::core::mem::offset_of!(#ident, #member),
                    #previous_end,
                )
            },
        ));
        previous = Some(field);
    }
    let checks = calls.iter().map(|(field, call)| {
        quote_spanned! {field.ident.span()=>
            const _: () = {
                let message = #call;
                if message.is_err() {
                    ::core::panic!("{}", message.as_str())
                }
            };
        }
    });
    // The size only once every member is where the rules put it: else its
    // advice would add to the members' (padding before a member moves
    // the end too).
    let members_fit = calls.iter().map(|(_, call)| quote!(!#call.is_err()));
    let size = previous.map(|last| {
        let last_end = end_of(last);
        quote_spanned! {ident.span()=>
            const _: () = {
                let message = #krate::__private::check_size(
                    #name,
                    #rules,
                    ::core::mem::size_of::<#ident>(),
                    #last_end,
                    <#ident as #krate::Block>::BLOCK.align,
                );
                if message.is_err() #(&& #members_fit)* {
                    ::core::panic!("{}", message.as_str())
                }
            };
        }
    });
    quote!(#(#checks)* #size)
}

fn impl_block(input: &Input, krate: &Path) -> TokenStream {
    let ident = input.ident;
    let name = ident.to_string();
    let rules = rules(input, krate);
    let fields = members(input).map(|field| {
        let (member, ty) = (field.ident, field.ty);
        let (shader, rust) = (field.shader_name(), field.unraw());
        quote! {
            #krate::BlockField {
                name: #shader,
                ident: #rust,
                offset: ::core::mem::offset_of!(#ident, #member),
                size: ::core::mem::size_of::<#ty>(),
                ty: <#ty as #krate::BlockMember>::TYPE,
            }
        }
    });
    let aligns = members(input).map(|field| {
        let ty = field.ty;
        quote!(<#ty as #krate::BlockMember>::TYPE.align(#rules))
    });
    let slots = input.fields.iter().map(|field| {
        let (member, ty) = (field.ident, field.ty);
        let (shader, rust) = (field.shader_name(), field.unraw());
        quote! {
            #krate::FieldLayout {
                name: #shader,
                ident: #rust,
                offset: ::core::mem::offset_of!(#ident, #member),
                size: ::core::mem::size_of::<#ty>(),
                ty: ::core::option::Option::None,
                normalize: false,
                location: ::core::option::Option::None,
            }
        }
    });
    quote! {
        // SAFETY: `TYPE` is this struct as a nested block: its size is the
        // struct's (`BLOCK.size` is `size_of::<Self>()`).
        #[automatically_derived]
        unsafe impl #krate::BlockMember for #ident {
            const TYPE: #krate::BlockType = #krate::BlockType::Struct(&<Self as #krate::Block>::BLOCK);
        }
        // SAFETY: the layout comes from `offset_of!` and `size_of`, listed
        // in declaration order, which the proofs show is their memory order
        // in the struct as compiled, tiling it with no gap.
        #[automatically_derived]
        unsafe impl #krate::Block for #ident {
            const BLOCK: #krate::BlockLayout = #krate::BlockLayout {
                name: #name,
                rules: #rules,
                size: ::core::mem::size_of::<#ident>(),
                align: #krate::__private::struct_align(&[#(#aligns),*], #rules),
                fields: &[#(#fields),*],
            };
            const SLOTS: &'static [#krate::FieldLayout] = &[#(#slots),*];
        }
        #krate::__private::impl_glium_block! { #ident }
    }
}

/// The accessors of `UniformBuffer<Name>` (no index) and of
/// `StorageBuffer<Name, N>` (an index per axis, ranks 1 to 3).
fn accessors(input: &Input, krate: &Path) -> TokenStream {
    let (ident, vis) = (input.ident, input.vis);
    let uniform = format_ident!("{}UniformAccessors", ident);
    let storage = format_ident!("{}BlockAccessors", ident);
    // Deduplicated: the stub emitted beside an error must not define a
    // method twice.
    let methods = input.accessor_methods().into_iter().map(|(field, names)| {
        let index = input.fields.iter().position(|f| std::ptr::eq(f, field)).expect("a field of the input");
        (field, index, names)
    });
    let methods: Vec<_> = methods.collect();
    let uniform_methods = methods.iter().map(|(field, _, [read, write, ..])| {
        let (member, ty, name) = (field.ident, field.ty, field.unraw());
        let handle = quote!(#ident::BLOCK_FIELDS.#member);
        let doc_read = format!("Member `{name}`.");
        let doc_write = format!("Member `{name}`, mutably; marks its bytes for upload.");
        quote! {
            #[doc = #doc_read]
            #[inline]
            #vis fn #read(&self) -> &#ty {
                self.0.member(#handle)
            }
            #[doc = #doc_write]
            #[inline]
            #vis fn #write(&mut self) -> &mut #ty {
                self.0.member_mut(#handle)
            }
        }
    });
    // A storage buffer is a `TrackedBuffer`, whose methods would shadow
    // accessors of their names (`view`): such a member has none there
    // (`at_mut(i).view` reaches it), and keeps its uniform accessors.
    let free = |names: &[Ident; 4]| {
        names
            .iter()
            .all(|name| !crate::valid::BUFFER_METHODS.contains(&syn::ext::IdentExt::unraw(name).to_string().as_str()))
    };
    let handles_const = format_ident!("BLOCK_FIELDS");
    let storage_impls = RANKS.iter().map(|&(rank, axes)| {
        let axes: Vec<Ident> = axes.iter().map(|axis| Ident::new(axis, Span::call_site())).collect();
        let methods = methods
            .iter()
            .filter(|(_, _, names)| free(names))
            .map(|(field, _, names)| rank_methods(field, names.clone(), (ident, &handles_const), &axes, vis));
        quote! {
            #[automatically_derived]
            impl #storage<#rank> {
                #(#methods)*
            }
        }
    });
    let doc_uniform = format!("Named member accessors of `UniformBuffer<{ident}>`, generated by `#[derive(Block)]`.");
    let doc_storage = format!("Named member accessors of `StorageBuffer<{ident}, N>` for ranks 1 to 3, generated by `#[derive(Block)]`. A member named like a method of the buffer (`view`) has none: reach it through `at_mut`.");
    let fields_ident = format_ident!("{}BlockFields", ident);
    let fields_name = fields_ident.to_string();
    let doc_fields = format!("Typed handles to the fields of [`{ident}`], for generic accessors such as `StorageBuffer::field_mut` and `field_view_mut`. Generated by `#[derive(Block)]`.");
    let handles = input.fields.iter().map(|field| {
        let (member, ty) = (field.ident, field.ty);
        let doc = format!("Field `{}`.", field.unraw());
        quote!(#[doc = #doc] pub #member: #krate::Field<#ident, #ty>,)
    });
    let values = input.fields.iter().enumerate().map(|(index, field)| {
        let member = field.ident;
        // SAFETY: field number `index` of the struct, at its `offset_of!`:
        // `SLOTS` lists every field in declaration order.
        quote!(#member: unsafe { #krate::Field::new_unchecked(#index, ::core::mem::offset_of!(#ident, #member)) },)
    });
    quote! {
        #[doc = #doc_fields]
        #[derive(Clone, Copy)]
        #vis struct #fields_ident {
            #(#handles)*
        }

        #[automatically_derived]
        impl ::core::fmt::Debug for #fields_ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#fields_name).finish_non_exhaustive()
            }
        }

        #[automatically_derived]
        impl #ident {
            /// Typed handles to this block's fields, one per field (named
            /// apart from `#[derive(Vertex)]`'s `FIELDS`, so that one struct
            /// may derive both).
            #vis const BLOCK_FIELDS: #fields_ident = #fields_ident { #(#values)* };
        }

        #[doc = #doc_uniform]
        #[repr(transparent)]
        #vis struct #uniform(#krate::UniformBuffer<#ident>);

        #[automatically_derived]
        impl #uniform {
            #(#uniform_methods)*
        }

        #[doc = #doc_storage]
        #[repr(transparent)]
        #vis struct #storage<const N: usize>(#krate::StorageBuffer<#ident, N>);

        #(#storage_impls)*

        // SAFETY: both are the `repr(transparent)` wrappers emitted above,
        // around this crate's buffers (which the signatures prove,
        // whatever path `crate` named).
        #[automatically_derived]
        unsafe impl #krate::BlockAccessors for #ident {
            type Uniform = #uniform;
            type Storage<const N: usize> = #storage<N>;
            fn __uniform(accessors: &Self::Uniform) -> &#krate::UniformBuffer<Self> {
                &accessors.0
            }
            fn __storage<const N: usize>(accessors: &Self::Storage<N>) -> &#krate::StorageBuffer<Self, N> {
                &accessors.0
            }
        }
    }
}
