//! Storage: one redb file holding users, clients, signing keys and every grant.
//!
//! Invariant: this is the only module that knows redb. Its public methods take and return
//! domain types, so another backend can stand behind the same methods without touching the
//! domain or HTTP. Secrets are kept only as SHA-256 digests.

mod account_links;
mod audit;
mod authorization_codes;
mod birth;
mod clients;
mod clock;
mod consents;
mod device_grants;
mod expiry;
mod groups;
mod keys;
pub(crate) mod records;
mod refresh;
mod revocations;
mod schema;
mod sessions;
mod slot;
mod snapshot;
mod swap;
mod tables;
mod users;
mod writer;

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use redb::{Database, DatabaseError, ReadTransaction, ReadableDatabase, WriteTransaction};

pub use account_links::AccountLinkHash;
pub use audit::AuditRows;
pub use authorization_codes::AuthorizationCodeHash;
pub use device_grants::DeviceCodeHash;
pub use expiry::SweepReport;
pub use groups::MemberChange;
pub use refresh::{FamilyId, NewRefreshFamily, RefreshTokenHash, Swap};
pub use revocations::{IssuedTo, PresentedToken};
pub use schema::CURRENT_SCHEMA_VERSION;
pub use sessions::SessionIdHash;
pub use snapshot::SnapshotSummary;

use crate::domain::Invalid;
use slot::DatabaseSlot;
use writer::Writer;

/// redb's page cache; small, since RSS matters on edge boxes: pages beyond it are read back
/// from the kernel's page cache, which costs microseconds and no resident memory of ours.
const CACHE_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the directory {0} does not exist: create it, or point --data at a file in an existing directory"
    )]
    MissingDirectory(PathBuf),
    #[error(
        "there is no data file at {0}: run `authbox serve` once to create it, or point --data at the right file"
    )]
    Missing(PathBuf),
    #[error(
        "{0} is in use by another process that is not an authbox server answering on its control socket; stop that process and try again"
    )]
    InUse(PathBuf),
    #[error(
        "{path} is not an authbox data file ({detail}); point --data at the right file, or restore a backup. The file was left untouched"
    )]
    NotAuthbox { path: PathBuf, detail: String },
    #[error(
        "{path} has schema version {found}, newer than this authbox understands (up to {supported}); run a newer authbox, or restore a backup made by this version. The file was left untouched"
    )]
    NewerSchema {
        path: PathBuf,
        found: u64,
        supported: u64,
    },
    #[error(
        "there is no data file at {path}, but authbox made one there before ({record} says when). It will not start a new, empty one in its place, with new signing keys and no users: restore it (`authbox restore BACKUP`), or point --data at where it went; to start afresh on purpose, delete {record}"
    )]
    Vanished { path: PathBuf, record: PathBuf },
    #[error("cannot use {path}: {detail}")]
    Io { path: PathBuf, detail: String },
    #[error("a {what} named {key:?} already exists")]
    Duplicate { what: &'static str, key: String },
    #[error("there is no {what} named {key:?}")]
    NotFound { what: &'static str, key: String },
    #[error(transparent)]
    Rejected(#[from] Invalid),
    #[error("the data file is damaged: {0}; restore a backup")]
    Corrupt(String),
    #[error("storage failure: {0}")]
    Storage(String),
    /// The file could not be written (a full disk, a file system gone read-only); the store
    /// keeps trying to reopen it and answers again once it can.
    #[error("the data file cannot be written: {0}")]
    Unwritable(String),
    /// The commit itself failed with an I/O error (its sync, most often): what it wrote may or
    /// may not be in the file. The store reopens the file as after [`StoreError::Unwritable`];
    /// a caller that must not repeat a one-time step reads the file again to learn which.
    #[error("the data file could not confirm a write, which may or may not have been kept: {0}")]
    Unconfirmed(String),
}

macro_rules! storage_error_from {
    ($($source:ty),*) => {$(
        impl From<$source> for StoreError {
            fn from(e: $source) -> Self {
                match redb::Error::from(e) {
                    redb::Error::Corrupted(detail) => StoreError::Corrupt(detail),
                    failure @ (redb::Error::Io(_) | redb::Error::PreviousIo) => {
                        StoreError::Unwritable(failure.to_string())
                    }
                    other => StoreError::Storage(other.to_string()),
                }
            }
        }
    )*};
}
storage_error_from!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::DatabaseError
);

/// Whether opening may create a new data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    CreateIfMissing,
    ExistingOnly,
}

/// An open data file.
pub struct Store {
    /// Declared before `db`: dropping it commits what is queued and ends the writer thread,
    /// so the file is closed once the store is gone.
    writer: Option<Writer>,
    db: Arc<DatabaseSlot>,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the data file at `path`, creating and stamping it when allowed and absent.
    ///
    /// Invariant: a file that is foreign, damaged or of a newer schema is refused without a
    /// single byte written to it.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store, StoreError> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(StoreError::MissingDirectory(dir));
        }
        let io = |e: std::io::Error| StoreError::Io {
            path: path.to_path_buf(),
            detail: e.to_string(),
        };
        match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => Err(StoreError::NotAuthbox {
                path: path.to_path_buf(),
                detail: "it is not a regular file".into(),
            }),
            Ok(_) => {
                let store = Self::open_existing(path)?;
                if mode == OpenMode::CreateIfMissing {
                    // A file made before the record existed gets one now.
                    birth::record_birth(path, &dir)?;
                }
                Ok(store)
            }
            Err(e) if e.kind() == ErrorKind::NotFound => match mode {
                OpenMode::ExistingOnly => Err(StoreError::Missing(path.to_path_buf())),
                OpenMode::CreateIfMissing => {
                    birth::refuse_a_second_birth(path)?;
                    let store = Self::create_new(path)?;
                    birth::record_birth(path, &dir)?;
                    Ok(store)
                }
            },
            Err(e) => Err(io(e)),
        }
    }

    fn builder() -> redb::Builder {
        let mut builder = Database::builder();
        builder.set_cache_size(CACHE_BYTES);
        builder
    }

    /// Opens the file for writing; redb repairs one a crash left (a kill, a power cut, a
    /// failed commit) before this returns, and the log says so, since that is the moment an
    /// operator wants to know the last stop was not clean.
    fn open_for_writing(path: &Path) -> Result<Database, DatabaseError> {
        let repairing = Arc::new(AtomicBool::new(false));
        let noted = Arc::clone(&repairing);
        let mut builder = Self::builder();
        builder.set_repair_callback(move |_| {
            if !noted.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    "the data file was not closed cleanly (a crash, a kill or a failed write); repairing it"
                );
            }
        });
        let db = builder.open(path)?;
        if repairing.load(Ordering::Relaxed) {
            tracing::warn!("the data file was repaired; every commit acknowledged before is in it");
        }
        Ok(db)
    }

    fn create_new(path: &Path) -> Result<Store, StoreError> {
        // Only the owner may read the file: it holds password hashes and private keys.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| StoreError::Io {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
        let created = redb::backends::FileBackend::new(file)
            .and_then(|backend| Self::builder().create_with_backend(backend))
            .map_err(StoreError::from)
            .and_then(|db| {
                schema::stamp(&db)?;
                Ok(db)
            });
        match created {
            Ok(db) => Self::with_writer(db, path),
            Err(e) => {
                // The file is ours and holds nothing yet; leave no half-made file behind.
                let _ = std::fs::remove_file(path);
                Err(e)
            }
        }
    }

    fn open_existing(path: &Path) -> Result<Store, StoreError> {
        let in_use = || StoreError::InUse(path.to_path_buf());
        let unreadable = |detail: String| StoreError::NotAuthbox {
            path: path.to_path_buf(),
            detail,
        };
        // Look through a read-only handle first: opening for writing touches the header, and a
        // file that is not ours, or is newer, must stay byte-for-byte as it was.
        match Self::builder().open_read_only(path) {
            Ok(read_only) => {
                schema::inspect(&read_only, path)?;
            }
            Err(DatabaseError::DatabaseAlreadyOpen) => return Err(in_use()),
            // Not closed cleanly (a crash): only a writer can recover it, so inspect after.
            Err(DatabaseError::RepairAborted) => {}
            Err(DatabaseError::Storage(redb::StorageError::Io(io)))
                if io.kind() == ErrorKind::PermissionDenied =>
            {
                return Err(StoreError::Io {
                    path: path.to_path_buf(),
                    detail: io.to_string(),
                });
            }
            Err(other) => return Err(unreadable(other.to_string())),
        }
        let db = Self::open_for_writing(path).map_err(|e| match e {
            DatabaseError::DatabaseAlreadyOpen => in_use(),
            DatabaseError::Storage(redb::StorageError::Io(io))
                if io.kind() == ErrorKind::PermissionDenied =>
            {
                StoreError::Io {
                    path: path.to_path_buf(),
                    detail: io.to_string(),
                }
            }
            other => unreadable(other.to_string()),
        })?;
        schema::check_and_migrate(&db, path)?;
        Self::with_writer(db, path)
    }

    fn with_writer(db: Database, path: &Path) -> Result<Store, StoreError> {
        let db = Arc::new(DatabaseSlot::new(db));
        Ok(Store {
            writer: Some(Self::start_writer(&db, path)?),
            db,
            path: path.to_path_buf(),
        })
    }

    fn start_writer(db: &Arc<DatabaseSlot>, path: &Path) -> Result<Writer, StoreError> {
        let path = path.to_path_buf();
        // After a failed write: the file was ours a moment ago, so only redb's own recovery
        // and the schema check stand between it and service.
        let reopen = move || {
            let db = Self::open_for_writing(&path)?;
            schema::check_and_migrate(&db, &path)?;
            Ok(db)
        };
        Writer::start(Arc::clone(db), Box::new(reopen))
    }

    /// A read transaction on the current handle.
    fn begin_read(&self) -> Result<ReadTransaction, StoreError> {
        Ok(self.db.get()?.begin_read()?)
    }

    /// Runs `work` in a write transaction, committed durably (together with the writes that
    /// arrived alongside it) before this returns. See `writer.rs` for why and the rules `work`
    /// follows.
    fn write<R, W>(&self, work: W) -> Result<R, StoreError>
    where
        W: FnMut(&WriteTransaction) -> Result<R, StoreError> + Send + 'static,
        R: Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.write(work),
            None => Err(StoreError::Storage("the store is closing".into())),
        }
    }

    /// [`Store::write`] for async callers: no thread waits while the commit happens.
    fn write_async<R, W>(&self, work: W) -> impl Future<Output = Result<R, StoreError>> + use<R, W>
    where
        W: FnMut(&WriteTransaction) -> Result<R, StoreError> + Send + 'static,
        R: Send + 'static,
    {
        let pending = self
            .writer
            .as_ref()
            .map(|writer| writer.write_async(work))
            .ok_or_else(|| StoreError::Storage("the store is closing".into()));
        async move { pending?.await }
    }

    /// Whether a process holds the file open (a server, or a command running on it).
    pub fn in_use(path: &Path) -> bool {
        matches!(
            Self::builder().open_read_only(path),
            Err(DatabaseError::DatabaseAlreadyOpen)
        )
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// redb's full integrity check; slow, for `authbox check`.
    pub fn check_integrity(&mut self) -> Result<(), StoreError> {
        // The check needs the database to itself: stop the writer, and start it again after.
        self.writer = None;
        let checked = self
            .db
            .exclusive(|db| db.check_integrity())
            .ok_or_else(|| StoreError::Storage("the writer still holds the file".into()))?;
        self.writer = Some(Self::start_writer(&self.db, &self.path)?);
        match checked? {
            true => Ok(()),
            false => Err(StoreError::Corrupt(
                "the integrity check found damage and repaired it; verify your users and clients"
                    .into(),
            )),
        }
    }
}
