//! The OS keyring: the core's [`Store`] through the `keyring` crate (the macOS Keychain,
//! Windows Credential Manager, the Secret Service on Linux and the BSDs).
//!
//! It lives on this side of the package boundary for the same reason as the SDK: on
//! Linux it brings a D-Bus client (zbus) and an async runtime's worth of code that the
//! file-only `awsprof` should not load at every start (docs/security.md has the numbers).
//! Entries are created in the default collection (the login keyring), with the keyring
//! crate's attributes: `service` = `awsprof`, `username` = the profile, `target` =
//! `default`, `application` = `rust-keyring`.

use awsprof_core::keyring::{Store, StoreError, SERVICE};

/// The platform's keyring.
pub struct OsKeyring;

/// The one [`OsKeyring`].
pub static OS: OsKeyring = OsKeyring;

const NAME: &str = if cfg!(target_os = "macos") {
    "the macOS Keychain"
} else if cfg!(windows) {
    "Windows Credential Manager"
} else {
    "the Secret Service"
};

fn entry(account: &str) -> Result<keyring::Entry, StoreError> {
    keyring::Entry::new(SERVICE, account).map_err(map)
}

impl Store for OsKeyring {
    fn name(&self) -> &'static str {
        NAME
    }

    fn get(&self, account: &str) -> Result<Option<String>, StoreError> {
        match entry(account)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(keyring::Error::BadEncoding(_)) => Err(StoreError::BadEntry {
                store: NAME,
                account: account.to_string(),
                problem: "not UTF-8 text".into(),
            }),
            Err(keyring::Error::Ambiguous(found)) => Err(StoreError::BadEntry {
                store: NAME,
                account: account.to_string(),
                problem: format!("{} entries match it; delete all but one", found.len()),
            }),
            Err(e) => Err(map(e)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), StoreError> {
        entry(account)?.set_password(secret).map_err(map)
    }

    fn delete(&self, account: &str) -> Result<bool, StoreError> {
        match entry(account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map(e)),
        }
    }

    #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
    fn accounts(&self) -> Result<Option<Vec<String>>, StoreError> {
        use secret_service::blocking::SecretService;
        use secret_service::EncryptionType;
        let fail = |e: secret_service::Error| classify(Box::new(e), false);
        let ss = SecretService::connect(EncryptionType::Dh).map_err(fail)?;
        let found = ss
            .search_items(std::collections::HashMap::from([("service", SERVICE)]))
            .map_err(fail)?;
        let mut accounts = Vec::new();
        // Attributes are not secret: a locked item names its account too.
        for item in found.unlocked.iter().chain(found.locked.iter()) {
            if let Some(user) = item.get_attributes().map_err(fail)?.remove("username") {
                accounts.push(user);
            }
        }
        accounts.sort();
        accounts.dedup();
        Ok(Some(accounts))
    }

    #[cfg(not(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")))]
    fn accounts(&self) -> Result<Option<Vec<String>>, StoreError> {
        Ok(None)
    }
}

/// The keyring crate's error as the core's: no service, locked, or another failure.
fn map(e: keyring::Error) -> StoreError {
    match e {
        keyring::Error::PlatformFailure(inner) => classify(inner, false),
        keyring::Error::NoStorageAccess(inner) => classify(inner, true),
        other => StoreError::Failed {
            store: NAME,
            detail: other.to_string(),
        },
    }
}

/// What the platform's own error means. `denied` is the keyring crate's "no access"
/// (locked, a prompt dismissed) as opposed to a failure.
fn classify(inner: Box<dyn std::error::Error + Send + Sync>, denied: bool) -> StoreError {
    let detail = inner.to_string();
    #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
    if let Some(e) = inner.downcast_ref::<secret_service::Error>() {
        use secret_service::Error as S;
        return match e {
            S::Locked | S::Prompt => StoreError::Locked {
                store: NAME,
                detail,
            },
            // No D-Bus session, or no default collection to keep entries in.
            S::Unavailable | S::NoResult => StoreError::Unavailable {
                store: NAME,
                detail,
            },
            // The unlock prompt failed, so the write found the collection still locked.
            S::Zbus(zbus::Error::MethodError(name, _, _))
                if name.as_str() == "org.freedesktop.Secret.Error.IsLocked" =>
            {
                StoreError::Locked {
                    store: NAME,
                    detail,
                }
            }
            // A bus with no Secret Service on it (nothing to start one).
            S::Zbus(z) if unknown_service(z) => StoreError::Unavailable {
                store: NAME,
                detail,
            },
            S::ZbusFdo(
                zbus::fdo::Error::ServiceUnknown(_) | zbus::fdo::Error::NameHasNoOwner(_),
            ) => StoreError::Unavailable {
                store: NAME,
                detail,
            },
            _ => StoreError::Failed {
                store: NAME,
                detail,
            },
        };
    }
    if denied {
        StoreError::Locked {
            store: NAME,
            detail,
        }
    } else {
        StoreError::Failed {
            store: NAME,
            detail,
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn unknown_service(e: &zbus::Error) -> bool {
    use zbus::Error as Z;
    match e {
        Z::MethodError(name, _, _) => matches!(
            name.as_str(),
            "org.freedesktop.DBus.Error.ServiceUnknown"
                | "org.freedesktop.DBus.Error.NameHasNoOwner"
        ),
        Z::FDO(f) => matches!(
            **f,
            zbus::fdo::Error::ServiceUnknown(_) | zbus::fdo::Error::NameHasNoOwner(_)
        ),
        Z::InputOutput(_) | Z::Address(_) | Z::Handshake(_) => true,
        _ => false,
    }
}
