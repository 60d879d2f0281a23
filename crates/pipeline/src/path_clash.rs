//! Refuses a run whose output is the same file as one of its inputs or as another output,
//! however the paths are spelt (relative or absolute, `./`, `..`, symbolic or hard links), before
//! anything is written.

use std::path::{Component, Path, PathBuf};

use crate::error::Result;

use crate::error::bail_config;

/// A file a run reads or writes, and what it is to the user (`"--output"`, `"the config file"`).
#[derive(Debug, Clone)]
pub struct RolePath {
    /// How the user named it: the option or the role.
    pub role: String,
    /// The path as given.
    pub path: PathBuf,
}

impl RolePath {
    /// `path` in the role `role`.
    pub fn new(role: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Self {
            role: role.into(),
            path: path.into(),
        }
    }
}

/// What makes two paths the same file.
#[derive(Debug, PartialEq, Eq)]
enum FileIdentity {
    /// An existing file: its device and inode (equal for hard links and every spelling).
    Existing { device: u64, inode: u64 },
    /// A file still to be created: its absolute path with the directory's links resolved.
    Planned(PathBuf),
}

/// Fails with a usage error (exit code 2) naming both paths when an output is the same file as an
/// input or as another output.
pub fn refuse_clashes(inputs: &[RolePath], outputs: &[RolePath]) -> Result<()> {
    let inputs: Vec<_> = inputs.iter().filter_map(identified).collect();
    let outputs: Vec<_> = outputs.iter().filter_map(identified).collect();
    for (index, (output, output_id)) in outputs.iter().enumerate() {
        if let Some((input, _)) = inputs.iter().find(|(_, id)| id == output_id) {
            bail_config!(
                "{} {} is the same file as {} {}: the run would overwrite its own input; write the output elsewhere",
                output.role,
                output.path.display(),
                input.role,
                input.path.display()
            );
        }
        if let Some((other, _)) = outputs[..index].iter().find(|(_, id)| id == output_id) {
            bail_config!(
                "{} {} and {} {} are the same file: give each output its own path",
                other.role,
                other.path.display(),
                output.role,
                output.path.display()
            );
        }
    }
    Ok(())
}

/// `named` with its identity.
fn identified(named: &RolePath) -> Option<(&RolePath, FileIdentity)> {
    identity(&named.path).map(|id| (named, id))
}

/// What makes `path` the file it is; `None` for a path that names no file (empty).
fn identity(path: &Path) -> Option<FileIdentity> {
    if path.as_os_str().is_empty() {
        return None;
    }
    if let Ok(metadata) = std::fs::metadata(path) {
        return Some(existing_identity(&metadata, path));
    }
    Some(FileIdentity::Planned(planned_path(path)))
}

#[cfg(unix)]
fn existing_identity(metadata: &std::fs::Metadata, _path: &Path) -> FileIdentity {
    use std::os::unix::fs::MetadataExt;
    FileIdentity::Existing {
        device: metadata.dev(),
        inode: metadata.ino(),
    }
}

#[cfg(not(unix))]
fn existing_identity(_metadata: &std::fs::Metadata, path: &Path) -> FileIdentity {
    FileIdentity::Planned(planned_path(path))
}

/// The absolute path a file not yet created will have: its nearest existing ancestor resolved
/// (links, `..`), the rest appended without `.` parts.
fn planned_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let components: Vec<Component> = absolute.components().collect();
    for existing in (1..=components.len()).rev() {
        let prefix: PathBuf = components[..existing].iter().collect();
        let Ok(mut planned) = prefix.canonicalize() else {
            continue;
        };
        for component in &components[existing..] {
            match component {
                Component::ParentDir => {
                    planned.pop();
                }
                Component::Normal(name) => planned.push(name),
                Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            }
        }
        return planned;
    }
    absolute
}

/// The files of an image-directory input (each is an input the outputs must not replace).
pub fn files_in(directory: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(directory)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.is_file())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<()>) -> String {
        format!("{:#}", result.expect_err("a clash"))
    }

    #[test]
    fn an_output_spelt_differently_from_its_input_is_refused_naming_both() {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("clip.mp4");
        std::fs::write(&input, "video").expect("write");
        let respelt = dir.path().join("sub/../clip.mp4");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        let text = message(refuse_clashes(
            &[RolePath::new("--input", &input)],
            &[RolePath::new("--output", &respelt)],
        ));
        assert!(
            text.contains("--output") && text.contains("--input"),
            "{text}"
        );
        assert!(text.contains(&input.display().to_string()), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn links_to_an_input_are_the_input() {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("labels.csv");
        std::fs::write(&input, "path,age,gender\n").expect("write");
        let symlink = dir.path().join("alias.csv");
        std::os::unix::fs::symlink(&input, &symlink).expect("symlink");
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(&input, &hard).expect("hard link");
        for output in [&symlink, &hard] {
            let result = refuse_clashes(
                &[RolePath::new("the labels", &input)],
                &[RolePath::new("--json", output)],
            );
            assert!(result.is_err(), "{} is the input", output.display());
        }
    }

    #[test]
    fn two_outputs_not_yet_created_at_one_path_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let json = dir.path().join("new/out.txt");
        let csv = dir.path().join("new/./x/../out.txt");
        let text = message(refuse_clashes(
            &[],
            &[RolePath::new("--json", &json), RolePath::new("--csv", &csv)],
        ));
        assert!(text.contains("are the same file"), "{text}");
    }

    #[test]
    fn distinct_files_pass() {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("clip.mp4");
        std::fs::write(&input, "video").expect("write");
        refuse_clashes(
            &[RolePath::new("--input", &input)],
            &[
                RolePath::new("--output", dir.path().join("out.mp4")),
                RolePath::new("--json", dir.path().join("out.jsonl")),
            ],
        )
        .expect("no clash");
    }

    #[test]
    fn a_relative_spelling_matches_the_absolute_one() {
        let cwd = std::env::current_dir().expect("cwd");
        let relative = Path::new("Cargo.toml");
        assert_eq!(identity(relative), identity(&cwd.join("Cargo.toml")));
        assert_eq!(
            identity(Path::new("not-yet/there.json")),
            identity(&cwd.join("./not-yet/there.json"))
        );
    }
}
