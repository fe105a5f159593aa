//! Enums that are stored and sent by an English name, shown by a Chinese or English label,
//! and read back from either the name or the Chinese label that officials type; and typed
//! ids.

/// `named_enum!(pub Name ("field", "invalid_code") { Variant = ("name", "中文", "English"), … })`
/// defines the enum with `ALL`, `as_str`, `label_zh`, `label_en`, `label(zh)`, `Display`
/// and a `FromStr` whose error names `field`.
#[macro_export]
macro_rules! named_enum {
    ($(#[$meta:meta])* $vis:vis $name:ident ($field:literal, $code:literal) {
        $($(#[$vmeta:meta])* $variant:ident = ($s:literal, $zh:literal, $en:literal)),+ $(,)?
    }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        $(#[$meta])*
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $s)] #[schema(rename = $s)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            pub fn label(self, zh: bool) -> &'static str {
                if zh { self.label_zh() } else { self.label_en() }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == s || v.label_zh() == s).ok_or_else(|| {
                    let names: Vec<String> =
                        Self::ALL.iter().map(|v| format!("{} ({})", v.as_str(), v.label_zh())).collect();
                    $crate::ValidationError::new($field, $code, format!("“{s}” is not one of {}", names.join(", ")))
                })
            }
        }
    };
}

/// `typed_id!(pub Name)`: a typed id — an `i64` that is sent and shown as the number.
#[macro_export]
macro_rules! typed_id {
    ($(#[$meta:meta])* $vis:vis $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        $vis struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}
