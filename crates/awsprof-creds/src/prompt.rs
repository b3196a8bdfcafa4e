//! Asking for an MFA code: on the terminal (prompt on stderr, no echo) or from the
//! `--mfa-code` option.

use crate::Error;

/// The MFA code for the device `serial`: `given`, else read from the terminal.
pub fn mfa_code(serial: &str, profile: &str, given: Option<&str>) -> Result<String, Error> {
    let code = match given {
        Some(c) => c.to_string(),
        None => {
            eprint!("Enter MFA code for {serial}: ");
            rpassword::read_password().map_err(|e| Error::Mfa {
                profile: profile.to_string(),
                message: format!(
                    "needs an MFA code for {serial} and no terminal could be read ({e}); pass --mfa-code"
                ),
            })?
        }
    };
    let code = code.trim().to_string();
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::Mfa {
            profile: profile.to_string(),
            message: format!("the MFA code for {serial} must be the digits the device shows"),
        });
    }
    Ok(code)
}
