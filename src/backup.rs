//! `authbox backup FILE` and `authbox restore FILE`.
//!
//! A backup is a snapshot made from one read transaction, by the running server if there is
//! one (through the control socket) or from the file directly: every write committed before it
//! began is in it, none after. It is written beside the data file, then copied to FILE through
//! a new temporary file of an unguessable name and renamed, so FILE is never half-written and
//! nothing already at a temporary name is written through.
//!
//! A restore needs the server stopped. It copies the snapshot beside the data file, opens the
//! copy (migrating an older schema), runs redb's integrity check and decodes every record; only
//! then is the old data file renamed aside and the copy renamed into its place. With
//! `--end-grants`, every grant in the copy is ended before it is put in place, so the restored
//! file never serves a grant the snapshot brought back.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use std::sync::Arc;

use crate::app::App;
use crate::app::admin::{AdminRequest, AdminResponse};
use crate::app::clock::SystemClock;
use crate::app::restored::EndedGrants;
use crate::config::{PolicyArgs, ServiceEnvironment};
use crate::control::{self, client};
use crate::crypto::random::random_name_suffix;
use crate::store::{OpenMode, Store, StoreError};

#[derive(Debug, Serialize)]
pub struct BackupReport {
    pub file: String,
    pub tables: u64,
    pub rows: u64,
    pub bytes: u64,
}

#[derive(Debug, Serialize)]
pub struct RestoreReport {
    pub data_file: String,
    /// Where the replaced data file was kept, if there was one.
    pub previous_kept_at: Option<String>,
    pub records: u64,
    pub users: u64,
    pub clients: u64,
    /// What `--end-grants` ended, when it was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<EndedGrants>,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The directory holding `path`, for syncing a rename into it.
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A rename is durable once the directory entry is.
fn sync_dir(path: &Path) -> std::io::Result<()> {
    File::open(parent_dir(path))?.sync_all()
}

fn same_file(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| {
        let dir = parent_dir(p).canonicalize().ok()?;
        Some(dir.join(p.file_name()?))
    };
    matches!((canonical(a), canonical(b)), (Some(x), Some(y)) if x == y)
}

/// Copies `from` to `to` through a new temporary file beside `to`, synced, so `to` is whole or
/// untouched.
///
/// Invariant: the temporary file is created by this call and by no one else. Its name has a
/// random suffix, and it is opened with `O_CREAT | O_EXCL`, which fails on any existing entry,
/// a symbolic link included (POSIX `open`), so a file or link planted in a shared directory such
/// as /tmp is never written through. It is created 0600 (the umask can only narrow that), since
/// a backup holds password hashes and private keys.
fn copy_durably(from: &Path, to: &Path) -> std::io::Result<u64> {
    let suffix = random_name_suffix().map_err(|e| std::io::Error::other(e.to_string()))?;
    let partial = with_suffix(to, &format!(".partial-{suffix}"));
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&partial)?;
    let copied = (|| {
        // Exactly 0600 whatever the umask, as the rest of the data file's copies are.
        out.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
        let bytes = std::io::copy(&mut File::open(from)?, &mut out)?;
        out.sync_all()?;
        std::fs::rename(&partial, to)?;
        sync_dir(to)?;
        Ok(bytes)
    })();
    if copied.is_err() {
        // Only this call's own file: it was created new above.
        let _ = std::fs::remove_file(&partial);
    }
    copied
}

/// `service` supplies the policy when no server runs (see [`client::run`]).
pub fn backup(
    data: &Path,
    dest: &Path,
    service: &ServiceEnvironment,
) -> Result<BackupReport, String> {
    if same_file(data, dest) {
        return Err(format!(
            "{} is the data file itself; back up to another file",
            dest.display()
        ));
    }
    if dest.is_dir() {
        return Err(format!(
            "{} is a directory; name the backup file, e.g. {}",
            dest.display(),
            dest.join("authbox-backup.redb").display()
        ));
    }
    let AdminResponse::Snapshot { path, tables, rows } =
        client::run(data, &AdminRequest::Snapshot, service).map_err(|e| e.to_string())?
    else {
        return Err("the server answered something other than a snapshot".into());
    };
    let snapshot = PathBuf::from(path);
    let copied = copy_durably(&snapshot, dest);
    let _ = std::fs::remove_file(&snapshot);
    let bytes = copied.map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
    Ok(BackupReport {
        file: dest.display().to_string(),
        tables,
        rows,
        bytes,
    })
}

pub fn restore(
    data: &Path,
    snapshot: &Path,
    end_grants: bool,
    service: &ServiceEnvironment,
) -> Result<RestoreReport, String> {
    if same_file(data, snapshot) {
        return Err(format!(
            "{} is the data file itself; name a backup to restore",
            snapshot.display()
        ));
    }
    if std::os::unix::net::UnixStream::connect(control::socket_path(data)).is_ok()
        || (data.exists() && Store::in_use(data))
    {
        return Err(format!(
            "a server is using {}; stop it first (e.g. systemctl stop authbox), then restore",
            data.display()
        ));
    }
    if !snapshot.is_file() {
        return Err(format!("{} is not a file", snapshot.display()));
    }
    if !parent_dir(data).is_dir() {
        return Err(format!(
            "the directory for {} does not exist",
            data.display()
        ));
    }
    let staged = with_suffix(data, ".restoring");
    let _ = std::fs::remove_file(&staged);
    copy_durably(snapshot, &staged).map_err(|e| {
        format!(
            "cannot copy {} to {}: {e}",
            snapshot.display(),
            staged.display()
        )
    })?;
    let verified = verify(&staged);
    let (records, users, clients) = match verified {
        Ok(counts) => counts,
        Err(e) => {
            let _ = std::fs::remove_file(&staged);
            return Err(format!(
                "{} is not a usable backup, so nothing was changed: {e}",
                snapshot.display()
            ));
        }
    };
    let ended = if end_grants {
        match end_every_grant(&staged, service) {
            Ok(ended) => Some(ended),
            Err(e) => {
                let _ = std::fs::remove_file(&staged);
                return Err(format!(
                    "could not end the grants in the restored copy, so nothing was changed: {e}"
                ));
            }
        }
    } else {
        None
    };
    let previous_kept_at = if data.exists() {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let aside = with_suffix(data, &format!(".before-restore-{seconds}"));
        std::fs::rename(data, &aside)
            .map_err(|e| format!("cannot move {} aside: {e}", data.display()))?;
        Some(aside.display().to_string())
    } else {
        None
    };
    std::fs::rename(&staged, data)
        .and_then(|()| sync_dir(data))
        .map_err(|e| format!("cannot put the backup in place at {}: {e}", data.display()))?;
    Ok(RestoreReport {
        data_file: data.display().to_string(),
        previous_kept_at,
        records,
        users,
        clients,
        ended,
    })
}

/// Ends every grant in the staged copy, with the lifetimes the server is configured with.
fn end_every_grant(staged: &Path, service: &ServiceEnvironment) -> Result<EndedGrants, String> {
    let store = Store::open(staged, OpenMode::ExistingOnly).map_err(|e| e.to_string())?;
    let settings = PolicyArgs::from_env(service).map_err(|e| e.to_string())?;
    let app = App::new(store, Arc::new(SystemClock), settings).map_err(|e| e.to_string())?;
    app.end_every_grant().map_err(|e| e.to_string())
    // Dropping the app commits what is queued and closes the copy before it is renamed.
}

/// Opens the staged copy as the server would, checks redb's structure and every record.
fn verify(staged: &Path) -> Result<(u64, u64, u64), String> {
    let explain = |e: StoreError| match e {
        StoreError::NotAuthbox { detail, .. } => {
            format!("it is not an authbox data file ({detail})")
        }
        StoreError::NewerSchema {
            found, supported, ..
        } => format!(
            "it was written by a newer authbox (schema {found}; this one reads up to {supported})"
        ),
        StoreError::Corrupt(detail) => format!("it is damaged: {detail}"),
        other => other.to_string(),
    };
    let mut store = Store::open(staged, OpenMode::ExistingOnly).map_err(explain)?;
    store.check_integrity().map_err(explain)?;
    let records = store.verify_records().map_err(explain)?;
    let users = store.user_count().map_err(explain)?;
    let clients = store.client_count().map_err(explain)?;
    Ok((records, users, clients))
}
