//! A disk whose sync can fail: a FUSE file system that passes every read and write through to
//! a backing directory, and answers `fsync`/`fdatasync` with EIO while its switch is on.
//!
//! That is the ambiguous commit a failing disk gives a database: the write reached the file
//! (a later open finds it), yet the sync that was to make it durable reported failure, so the
//! writer cannot tell its caller whether it happened. Mounted with mount(2) directly, which
//! needs root (CI runs as root) but neither libfuse nor `fusermount`.
//!
//! The file system is flat: one directory of regular files, enough for a data file. A test
//! points the server at it through a symlink in an ordinary directory, so what the server
//! keeps beside its data file (the control socket, the birth record) stays on a real disk.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::{File, Metadata, OpenOptions};
use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use fuser::{
    Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo, LockOwner,
    MountOption, OpenFlags, ReplyAttr, ReplyCreate, ReplyData, ReplyDirectory, ReplyEmpty,
    ReplyEntry, ReplyOpen, ReplyWrite, Request, TimeOrNow, WriteFlags,
};

/// Attributes change with every write; the kernel must ask again rather than trust a copy.
const NO_CACHE: Duration = Duration::ZERO;

/// The switch and counters a test holds while the file system runs.
#[derive(Default)]
struct Switch {
    failing: AtomicBool,
    refused_syncs: AtomicU64,
}

struct Passthrough {
    backing: PathBuf,
    switch: Arc<Switch>,
    /// Inode numbers by name, from 2 up (1 is the root).
    names: Mutex<Vec<String>>,
    open: Mutex<HashMap<u64, Arc<File>>>,
    next_handle: AtomicU64,
}

fn errno(e: std::io::Error) -> Errno {
    Errno::from(e)
}

fn attr_of(ino: INodeNo, meta: &Metadata) -> FileAttr {
    let kind = if meta.is_dir() {
        FileType::Directory
    } else {
        FileType::RegularFile
    };
    let time = |t: std::io::Result<std::time::SystemTime>| t.unwrap_or(std::time::UNIX_EPOCH);
    FileAttr {
        ino,
        size: meta.len(),
        blocks: meta.blocks(),
        atime: time(meta.accessed()),
        mtime: time(meta.modified()),
        ctime: time(meta.modified()),
        crtime: time(meta.modified()),
        kind,
        perm: (meta.mode() & 0o7777) as u16,
        nlink: meta.nlink() as u32,
        uid: meta.uid(),
        gid: meta.gid(),
        rdev: 0,
        blksize: 4096,
        flags: 0,
    }
}

impl Passthrough {
    fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        mutex.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn ino_for(&self, name: &str) -> INodeNo {
        let mut names = Self::lock(&self.names);
        let index = match names.iter().position(|n| n == name) {
            Some(index) => index,
            None => {
                names.push(name.to_owned());
                names.len() - 1
            }
        };
        INodeNo(index as u64 + 2)
    }

    fn path_of(&self, ino: INodeNo) -> Option<PathBuf> {
        let number = u64::from(ino);
        if number == 1 {
            return Some(self.backing.clone());
        }
        let names = Self::lock(&self.names);
        let name = names.get(usize::try_from(number.checked_sub(2)?).ok()?)?;
        Some(self.backing.join(name))
    }

    fn file(&self, fh: FileHandle) -> Option<Arc<File>> {
        Self::lock(&self.open).get(&fh.0).cloned()
    }

    fn remember(&self, file: File) -> FileHandle {
        let handle = self.next_handle.fetch_add(1, Ordering::SeqCst);
        Self::lock(&self.open).insert(handle, Arc::new(file));
        FileHandle(handle)
    }
}

impl Filesystem for Passthrough {
    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let Some(name) = name.to_str().filter(|_| u64::from(parent) == 1) else {
            return reply.error(Errno::ENOENT);
        };
        match std::fs::metadata(self.backing.join(name)) {
            Ok(meta) => reply.entry(
                &NO_CACHE,
                &attr_of(self.ino_for(name), &meta),
                Generation(0),
            ),
            Err(e) => reply.error(errno(e)),
        }
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, _fh: Option<FileHandle>, reply: ReplyAttr) {
        let Some(path) = self.path_of(ino) else {
            return reply.error(Errno::ENOENT);
        };
        match std::fs::metadata(path) {
            Ok(meta) => reply.attr(&NO_CACHE, &attr_of(ino, &meta)),
            Err(e) => reply.error(errno(e)),
        }
    }

    fn setattr(
        &self,
        _req: &Request,
        ino: INodeNo,
        mode: Option<u32>,
        _uid: Option<u32>,
        _gid: Option<u32>,
        size: Option<u64>,
        _atime: Option<TimeOrNow>,
        _mtime: Option<TimeOrNow>,
        _ctime: Option<std::time::SystemTime>,
        _fh: Option<FileHandle>,
        _crtime: Option<std::time::SystemTime>,
        _chgtime: Option<std::time::SystemTime>,
        _bkuptime: Option<std::time::SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        let Some(path) = self.path_of(ino) else {
            return reply.error(Errno::ENOENT);
        };
        let changed = (|| {
            if let Some(size) = size {
                OpenOptions::new().write(true).open(&path)?.set_len(size)?;
            }
            if let Some(mode) = mode {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & 0o7777))?;
            }
            std::fs::metadata(&path)
        })();
        match changed {
            Ok(meta) => reply.attr(&NO_CACHE, &attr_of(ino, &meta)),
            Err(e) => reply.error(errno(e)),
        }
    }

    fn open(&self, _req: &Request, ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        let Some(path) = self.path_of(ino) else {
            return reply.error(Errno::ENOENT);
        };
        match OpenOptions::new().read(true).write(true).open(path) {
            // Direct I/O: every read and write reaches this process and the backing file, so
            // nothing the kernel cached can hide what landed.
            Ok(file) => reply.opened(self.remember(file), FopenFlags::FOPEN_DIRECT_IO),
            Err(e) => reply.error(errno(e)),
        }
    }

    fn create(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        _umask: u32,
        _flags: i32,
        reply: ReplyCreate,
    ) {
        let Some(name) = name.to_str().filter(|_| u64::from(parent) == 1) else {
            return reply.error(Errno::EACCES);
        };
        let path = self.backing.join(name);
        let made = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(mode & 0o7777)
            .open(&path)
            .and_then(|file| Ok((file.metadata()?, file)));
        match made {
            Ok((meta, file)) => reply.created(
                &NO_CACHE,
                &attr_of(self.ino_for(name), &meta),
                Generation(0),
                self.remember(file),
                FopenFlags::FOPEN_DIRECT_IO,
            ),
            Err(e) => reply.error(errno(e)),
        }
    }

    fn read(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        let Some(file) = self.file(fh) else {
            return reply.error(Errno::EBADF);
        };
        let mut buffer = vec![0u8; size as usize];
        let mut filled = 0;
        while filled < buffer.len() {
            match file.read_at(&mut buffer[filled..], offset + filled as u64) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) => return reply.error(errno(e)),
            }
        }
        reply.data(&buffer[..filled]);
    }

    fn write(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        data: &[u8],
        _write_flags: WriteFlags,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        let Some(file) = self.file(fh) else {
            return reply.error(Errno::EBADF);
        };
        match file.write_all_at(data, offset) {
            Ok(()) => reply.written(data.len() as u32),
            Err(e) => reply.error(errno(e)),
        }
    }

    fn flush(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _lock_owner: LockOwner,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn release(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        Self::lock(&self.open).remove(&fh.0);
        reply.ok();
    }

    /// The fault: while the switch is on, the data is in the file but the sync says EIO.
    fn fsync(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        datasync: bool,
        reply: ReplyEmpty,
    ) {
        if self.switch.failing.load(Ordering::SeqCst) {
            self.switch.refused_syncs.fetch_add(1, Ordering::SeqCst);
            return reply.error(Errno::EIO);
        }
        let Some(file) = self.file(fh) else {
            return reply.error(Errno::EBADF);
        };
        let synced = if datasync {
            file.sync_data()
        } else {
            file.sync_all()
        };
        match synced {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(errno(e)),
        }
    }

    fn readdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        if u64::from(ino) != 1 {
            return reply.error(Errno::ENOTDIR);
        }
        let mut entries = vec![
            (INodeNo::ROOT, FileType::Directory, ".".to_owned()),
            (INodeNo::ROOT, FileType::Directory, "..".to_owned()),
        ];
        if let Ok(listing) = std::fs::read_dir(&self.backing) {
            for entry in listing.flatten() {
                if let Some(name) = entry.file_name().to_str() {
                    entries.push((self.ino_for(name), FileType::RegularFile, name.to_owned()));
                }
            }
        }
        for (index, (ino, kind, name)) in entries.into_iter().enumerate().skip(offset as usize) {
            if reply.add(ino, index as u64 + 1, kind, name) {
                break;
            }
        }
        reply.ok();
    }
}

/// A mounted [`Passthrough`]; unmounted when dropped.
pub struct FaultyDisk {
    /// Declared first: unmounted before the directories go.
    _session: fuser::BackgroundSession,
    switch: Arc<Switch>,
    point: PathBuf,
    _dirs: tempfile::TempDir,
}

impl FaultyDisk {
    /// Mounts a new, empty one; `None` (and a note) where this process may not mount, except
    /// under CI, which must run the tests that need it.
    pub fn mount() -> Option<FaultyDisk> {
        let dirs = tempfile::tempdir().expect("temp dir");
        let backing = dirs.path().join("backing");
        let point = dirs.path().join("mnt");
        std::fs::create_dir(&backing).expect("backing directory");
        std::fs::create_dir(&point).expect("mount point");
        let switch = Arc::new(Switch::default());
        let filesystem = Passthrough {
            backing,
            switch: Arc::clone(&switch),
            names: Mutex::default(),
            open: Mutex::default(),
            next_handle: AtomicU64::new(1),
        };
        let mut config = fuser::Config::default();
        config.mount_options = vec![MountOption::FSName("authbox-faulty-disk".into())];
        config.n_threads = Some(2);
        match fuser::spawn_mount(filesystem, &point, &config) {
            Ok(session) => Some(FaultyDisk {
                _session: session,
                switch,
                point,
                _dirs: dirs,
            }),
            Err(e) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI must run the ambiguous-commit tests, but mounting FUSE failed: {e}"
                );
                eprintln!("skipped: cannot mount a FUSE file system here ({e}); run as root");
                None
            }
        }
    }

    /// From now on every sync fails with EIO (`true`), or works again (`false`).
    pub fn fail_syncs(&self, failing: bool) {
        self.switch.failing.store(failing, Ordering::SeqCst);
    }

    /// How many syncs have failed so far: proof that the fault was met, not just switched on.
    pub fn refused_syncs(&self) -> u64 {
        self.switch.refused_syncs.load(Ordering::SeqCst)
    }

    /// Moves `file` onto this disk and leaves a symlink to it in its place.
    pub fn adopt(&self, file: &Path) {
        let name = file.file_name().expect("a file name");
        let target = self.point.join(name);
        std::fs::copy(file, &target).expect("copy onto the faulty disk");
        std::fs::remove_file(file).expect("remove the original");
        std::os::unix::fs::symlink(&target, file).expect("symlink to the faulty disk");
    }
}
