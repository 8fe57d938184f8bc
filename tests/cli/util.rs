//! A test session: a temporary directory to write inputs into and run the real `ghg` binary in.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of `ghg` printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Parses stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

pub struct Session {
    dir: tempfile::TempDir,
}

/// The project's root, where `tests/fixtures` lives.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The mini DESNZ 2025 fixture set's path.
pub fn mini_set() -> String {
    root()
        .join("tests/fixtures/factors/mini-desnz-2025.toml")
        .display()
        .to_string()
}

impl Session {
    pub fn new() -> Self {
        Session {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
        p
    }

    pub fn write_bytes(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write");
        p
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// Runs `ghg` in the session directory.
    pub fn ghg(&self, args: &[&str]) -> Run {
        self.ghg_env(args, &[])
    }

    /// Runs `ghg` with extra environment variables.
    pub fn ghg_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ghg"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_remove("GHG_FACTORS_DIR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run ghg");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}
