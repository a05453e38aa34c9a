"""The sample web app the pipeline ships: its own tests, and its buildspec run as CodeBuild would."""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

WEBAPP = Path(__file__).resolve().parents[3] / "roles" / "beanstalk_codepipeline" / "files" / "webapp"


def run_buildspec(source: Path) -> Path:
    """Run the build phase commands in ``source`` and zip the artifacts as CodeBuild does."""
    spec = yaml.safe_load((source / "buildspec.yml").read_text())
    assert spec["version"] == 0.2
    bin_dir = source.parent / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)  # the image's `python`
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", PIP_NO_INDEX="1")
    for phase in ("pre_build", "build", "post_build"):
        for command in spec["phases"].get(phase, {}).get("commands", []):
            done = subprocess.run(command, shell=True, cwd=source, env=env, capture_output=True, text=True, check=False)
            assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    base = source / spec["artifacts"].get("base-directory", ".")
    bundle = source.parent / "bundle.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            relative = path.relative_to(base).as_posix()
            if any(fnmatch.fnmatch(relative, pattern) or pattern == "**/*" for pattern in spec["artifacts"]["files"]):
                archive.write(path, relative)
    return bundle


def test_the_buildspec_tests_the_app_and_bundles_only_what_beanstalk_serves(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(WEBAPP, source, ignore=shutil.ignore_patterns("__pycache__"))
    bundle = run_buildspec(source)
    with zipfile.ZipFile(bundle) as archive:
        assert sorted(archive.namelist()) == ["application.py", "requirements.txt"]
        extracted = tmp_path / "bundle"
        archive.extractall(extracted)
    # The bundle serves on its own: Elastic Beanstalk imports application.application.
    probe = (
        "import application\n"
        "seen = {}\n"
        "body = b''.join(application.application({'PATH_INFO': '/health'}, lambda s, h: seen.update(s=s)))\n"
        "assert seen['s'] == '200 OK', seen\n"
        "print(body.decode())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=extracted, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert '"status": "ok"' in done.stdout


def test_a_failing_app_test_fails_the_build(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(WEBAPP, source, ignore=shutil.ignore_patterns("__pycache__"))
    app = source / "application.py"
    app.write_text(app.read_text().replace("Hello from Elastic Beanstalk", "Goodbye"))
    try:
        run_buildspec(source)
    except AssertionError as error:
        assert "unittest" in str(error)
    else:
        raise AssertionError("the build passed with a broken app")
