//! A PostgreSQL server of a test's own, on its own port, from the machine's server binaries
//! (initdb, pg_ctl, pg_basebackup under /usr/lib/postgresql): stopped, restarted or
//! replicated at will, without touching the shared server.

use std::path::PathBuf;
use std::process::Command;

pub struct PrivatePostgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

fn postgres_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("an initdb")
}

impl PrivatePostgres {
    fn command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        // initdb and postgres refuse to run as root.
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let status = self
            .command(tool)
            .args(args)
            .status()
            .unwrap_or_else(|e| panic!("{tool}: {e}"));
        assert!(status.success(), "{tool} {args:?} failed");
    }

    pub fn start() -> Self {
        let pg = Self::empty();
        let data = pg.dir.join("data");
        let data = data.to_str().expect("path");
        pg.run(
            "initdb",
            &[
                "-D",
                data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        pg.up();
        pg
    }

    /// A streaming replica of `primary` (`pg_basebackup -R`), started on its own port:
    /// read-only, replaying what the primary writes.
    pub fn replica_of(primary: &PrivatePostgres) -> Self {
        let pg = Self::empty();
        let data = pg.dir.join("data");
        pg.run(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &primary.port.to_string(),
                "-U",
                "postgres",
                "-D",
                data.to_str().expect("path"),
                "-R",
                "-X",
                "stream",
                // At once, not after a spread checkpoint (minutes).
                "--checkpoint=fast",
                "--no-sync",
            ],
        );
        pg.up();
        pg
    }

    /// A directory and a port, nothing running yet.
    fn empty() -> Self {
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        let dir = std::env::temp_dir().join(format!("pw-pg-{:08x}", rand::random::<u32>()));
        std::fs::create_dir_all(&dir).expect("data dir");
        if as_postgres {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .expect("chown");
            assert!(ok.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        Self {
            dir,
            bin: postgres_bin(),
            port,
            as_postgres,
        }
    }

    pub fn up(&self) {
        let data = self.dir.join("data");
        let log = self.dir.join("log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().expect("path"),
                "-l",
                log.to_str().expect("path"),
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
    }

    /// As abrupt as a crash: no goodbye to the clients.
    pub fn down(&self) {
        let data = self.dir.join("data");
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().expect("path"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .command("pg_ctl")
            .args([
                "-D",
                data.to_str().unwrap_or_default(),
                "-m",
                "immediate",
                "stop",
            ])
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
