//! The open database, shared by readers and the writer thread, and replaceable.
//!
//! After an I/O failure (a full disk, a file system gone read-only) redb refuses every later
//! operation on that handle, reads included, until the file is opened again. The writer thread
//! empties the slot, reopens the file once writing works again and puts the new handle back;
//! meanwhile readers are told the store is unavailable, which callers answer with 503.

use std::sync::{Arc, PoisonError, RwLock};

use redb::Database;

use super::StoreError;

pub(super) struct DatabaseSlot {
    current: RwLock<Option<Arc<Database>>>,
}

fn reopening() -> StoreError {
    StoreError::Unwritable("the data file is being reopened after a failed write".into())
}

impl DatabaseSlot {
    pub(super) fn new(db: Database) -> DatabaseSlot {
        DatabaseSlot {
            current: RwLock::new(Some(Arc::new(db))),
        }
    }

    /// The current handle, or an error while the file is being reopened.
    pub(super) fn get(&self) -> Result<Arc<Database>, StoreError> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current.as_ref().map(Arc::clone).ok_or_else(reopening)
    }

    /// Empties the slot, so the failed handle closes once the last reader lets go of it.
    pub(super) fn clear(&self) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = None;
    }

    pub(super) fn put(&self, db: Database) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(db));
    }

    /// Runs `work` with the database to itself, when nothing else holds a handle to it.
    pub(super) fn exclusive<R>(&self, work: impl FnOnce(&mut Database) -> R) -> Option<R> {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        current.as_mut().and_then(Arc::get_mut).map(work)
    }
}
