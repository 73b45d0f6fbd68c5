//! A few store connections shared by the server's requests: SQLite in WAL mode lets readers
//! run beside the writer, and PostgreSQL serves each connection on its own backend.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Condvar, Mutex};

use corridor_model::Model;
use corridor_store::{Location, Store};

use crate::NodeError;

pub struct Pool {
    free: Mutex<Vec<Box<dyn Store>>>,
    returned: Condvar,
    location: Location,
    model: Arc<Model>,
}

impl Pool {
    pub fn open(location: &Location, model: Arc<Model>, size: usize) -> Result<Pool, NodeError> {
        let mut stores = Vec::new();
        for _ in 0..size.max(1) {
            stores.push(corridor_store::open(location, model.clone())?);
        }
        Ok(Pool {
            free: Mutex::new(stores),
            returned: Condvar::new(),
            location: location.clone(),
            model,
        })
    }

    /// A connection for the caller alone; it goes back to the pool when the guard drops.
    pub fn get(&self) -> PoolGuard<'_> {
        let mut free = self.free.lock().expect("no panics while held");
        loop {
            if let Some(store) = free.pop() {
                return PoolGuard {
                    pool: self,
                    store: Some(store),
                };
            }
            free = self.returned.wait(free).expect("no panics while held");
        }
    }
}

pub struct PoolGuard<'p> {
    pool: &'p Pool,
    store: Option<Box<dyn Store>>,
}

impl PoolGuard<'_> {
    /// Puts a new connection in place of this one, after bulk work: SQLite keeps the table of
    /// a connection's page cache at its largest size, and walks all of it whenever another
    /// connection's commit makes the cache stale. Kept as it was if a new one cannot be opened.
    pub fn renew(&mut self) {
        if let Ok(fresh) = corridor_store::open(&self.pool.location, self.pool.model.clone()) {
            self.store = Some(fresh);
        }
    }
}

impl Deref for PoolGuard<'_> {
    type Target = Box<dyn Store>;
    fn deref(&self) -> &Box<dyn Store> {
        self.store.as_ref().expect("present until drop")
    }
}

impl DerefMut for PoolGuard<'_> {
    fn deref_mut(&mut self) -> &mut Box<dyn Store> {
        self.store.as_mut().expect("present until drop")
    }
}

impl Drop for PoolGuard<'_> {
    fn drop(&mut self) {
        if let Some(store) = self.store.take() {
            self.pool
                .free
                .lock()
                .expect("no panics while held")
                .push(store);
            self.pool.returned.notify_one();
        }
    }
}
