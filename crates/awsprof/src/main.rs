//! `awsprof`: the file-only executable. Work that needs the AWS SDK is handed to
//! `awsprof-net`, installed beside it.

fn main() -> std::process::ExitCode {
    awsprof::entry(&awsprof::term::Terminal, &awsprof::backend::Delegate)
}
