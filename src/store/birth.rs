//! The record that a data file was made here: `<data file>.created`, a line of text written
//! beside it when authbox creates the file, and kept when the file is gone. Without it, a data
//! file that vanished (deleted by mistake, a disk swapped, a young file's directory entry lost
//! to a power cut) would be silently replaced by a new, empty authority: new signing keys, no
//! users, every device signed out. With it, a missing data file is refused with a message, and
//! starting afresh is an explicit act: deleting the record.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::StoreError;

pub(super) fn record_path(data: &Path) -> PathBuf {
    let mut name = data.as_os_str().to_owned();
    name.push(".created");
    PathBuf::from(name)
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// Refuses to create `data` when a data file was made there before.
pub(super) fn refuse_a_second_birth(data: &Path) -> Result<(), StoreError> {
    let record = record_path(data);
    match std::fs::symlink_metadata(&record) {
        Ok(_) => Err(StoreError::Vanished {
            path: data.to_path_buf(),
            record,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(&record)(e)),
    }
}

/// Writes the record for `data` if there is none yet, then makes both names durable by
/// syncing the directory that holds them.
pub(super) fn record_birth(data: &Path, dir: &Path) -> Result<(), StoreError> {
    let record = record_path(data);
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let text = format!(
        "authbox made the data file {} here (Unix time {since_epoch}).\n\
         While this file exists, authbox will not make a new, empty data file in its place.\n",
        data.display()
    );
    // O_CREAT|O_EXCL: a name that exists, a planted symlink included, is never written through.
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&record)
    {
        Ok(mut file) => {
            file.write_all(text.as_bytes()).map_err(io(&record))?;
            file.sync_all().map_err(io(&record))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io(&record)(e)),
    }
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}
