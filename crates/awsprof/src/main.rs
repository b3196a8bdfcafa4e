//! `awsprof`: the file-only executable. Work that needs the network is handed to
//! `awsprof-net`, installed beside it.

fn main() -> std::process::ExitCode {
    awsprof::entry(&awsprof::resolve::Delegate)
}
