//! Redis cache store over a self-reconnecting connection manager, with a per-command
//! timeout so a Redis that stops answering costs tens of milliseconds, not a hang.

use super::{CacheError, CacheStore};
use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;
use tracing::Instrument;

/// A client for `url` and its self-reconnecting, lazily opened connection, with the
/// gateway's timeouts: every user of Redis (the cache, the event bus) connects alike.
pub fn connection_manager(
    url: &str,
    timeout: Duration,
) -> Result<(redis::Client, ConnectionManager), String> {
    let client = redis::Client::open(url).map_err(|e| e.to_string())?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout.max(Duration::from_millis(200))))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(1)
        .set_max_delay(Duration::from_secs(2));
    let conn = client
        .get_connection_manager_lazy(config)
        .map_err(|e| e.to_string())?;
    Ok((client, conn))
}

pub struct RedisStore {
    conn: ConnectionManager,
    prefix: String,
    timeout: Duration,
}

impl RedisStore {
    /// Connects lazily: a Redis that is down at start does not stop the gateway.
    pub fn connect(url: &str, prefix: &str, timeout: Duration) -> Result<Self, CacheError> {
        let (_, conn) = connection_manager(url, timeout).map_err(CacheError::Backend)?;
        Ok(Self {
            conn,
            prefix: prefix.to_owned(),
            timeout,
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn run<T>(
        &self,
        command: &'static str,
        fut: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, CacheError> {
        // Keys are not recorded: some hold query hashes and subjects.
        let span = tracing::info_span!(
            "redis",
            otel.name = %format_args!("redis {command}"),
            otel.kind = "client",
            db.system = "redis",
            db.operation = command,
        );
        match tokio::time::timeout(self.timeout, fut)
            .instrument(span)
            .await
        {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(CacheError::Backend(e.to_string())),
            Err(_) => Err(CacheError::Timeout),
        }
    }
}

#[async_trait::async_trait]
impl CacheStore for RedisStore {
    fn kind(&self) -> &'static str {
        "redis"
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let mut conn = self.conn.clone();
        let key = self.key(key);
        self.run(
            "GET",
            async move { conn.get::<_, Option<Vec<u8>>>(key).await },
        )
        .await
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError> {
        let mut conn = self.conn.clone();
        let key = self.key(key);
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        self.run("PSETEX", async move {
            conn.pset_ex::<_, _, ()>(key, value, ms).await
        })
        .await
    }

    async fn delete(&self, keys: &[String]) -> Result<(), CacheError> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut conn = self.conn.clone();
        let keys: Vec<String> = keys.iter().map(|k| self.key(k)).collect();
        self.run("DEL", async move { conn.del::<_, ()>(keys).await })
            .await
    }

    async fn set_if_newer(
        &self,
        key: &str,
        version: i64,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), CacheError> {
        // Compare and set in one step on the server.
        static SCRIPT: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
            redis::Script::new(
                r"local cur = redis.call('GET', KEYS[1])
                  if cur then
                    local v = tonumber(string.match(cur, '^(%-?%d+):'))
                    if v and v > tonumber(ARGV[1]) then return 0 end
                  end
                  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
                  return 1",
            )
        });
        let mut conn = self.conn.clone();
        let key = self.key(key);
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let stored = super::versioned(version, value);
        self.run("EVALSHA", async move {
            SCRIPT
                .key(key)
                .arg(version)
                .arg(stored)
                .arg(ms)
                .invoke_async::<i64>(&mut conn)
                .await
        })
        .await
        .map(|_| ())
    }

    async fn incr(&self, key: &str, by: i64, ttl: Duration) -> Result<i64, CacheError> {
        let mut conn = self.conn.clone();
        let key = self.key(key);
        let ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX).max(1);
        self.run("INCR", async move {
            let (value,): (i64,) = redis::pipe()
                .atomic()
                .incr(&key, by)
                .pexpire(&key, ms)
                .ignore()
                .query_async(&mut conn)
                .await?;
            Ok(value)
        })
        .await
    }

    async fn hash_get_all(
        &self,
        key: &str,
    ) -> Result<std::collections::HashMap<String, i64>, CacheError> {
        let mut conn = self.conn.clone();
        let key = self.key(key);
        self.run("HGETALL", async move { conn.hgetall(key).await })
            .await
    }

    async fn hash_incr(&self, key: &str, fields: &[(String, i64)]) -> Result<(), CacheError> {
        if fields.is_empty() {
            return Ok(());
        }
        let mut conn = self.conn.clone();
        let key = self.key(key);
        let mut pipe = redis::pipe();
        pipe.atomic();
        for (field, by) in fields {
            pipe.hincr(&key, field, *by).ignore();
        }
        self.run(
            "HINCRBY",
            async move { pipe.query_async::<()>(&mut conn).await },
        )
        .await
    }

    async fn ping(&self) -> Result<(), CacheError> {
        let mut conn = self.conn.clone();
        self.run("PING", async move {
            redis::cmd("PING").query_async::<String>(&mut conn).await
        })
        .await
        .map(|_| ())
    }
}
