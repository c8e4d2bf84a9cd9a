//! Opening an index that may not be written: reading needs no write.
//!
//! tantivy takes `.tantivy-meta.lock` while it opens a reader, so that a
//! writer's garbage collection cannot delete the segment files being
//! opened; taking it opens the lock file for writing. A user who may read
//! an index but not write it (a read-only mount, another user's index)
//! could then not search it at all. [`LockFreeReads`] wraps tantivy's
//! directory and, only when the meta lock cannot be taken for want of
//! permission, reads without it: a file a writer deletes meanwhile shows
//! up as a vanished file, which a search retries once
//! ([`super::read_retrying`]). The writer's lock is never bypassed.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle,
    WritePtr, META_LOCK,
};

/// tantivy's directory, reading without the meta lock where it may not be
/// taken.
#[derive(Debug, Clone)]
pub struct LockFreeReads(MmapDirectory);

impl LockFreeReads {
    /// The directory at `dir`.
    pub fn open(dir: &Path) -> Result<LockFreeReads, OpenDirectoryError> {
        MmapDirectory::open(dir).map(LockFreeReads)
    }
}

/// Whether an I/O error says the file may not be written (rather than that
/// something is wrong with it).
fn not_permitted(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::PermissionDenied || e.raw_os_error() == Some(libc::EROFS)
}

impl Directory for LockFreeReads {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> io::Result<()> {
        self.0.sync_directory()
    }
    fn watch(&self, cb: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(cb)
    }
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            Err(LockError::IoError(e))
                if lock.filepath == META_LOCK.filepath && not_permitted(&e) =>
            {
                Ok(DirectoryLock::from(Box::new(())))
            }
            r => r,
        }
    }
}
