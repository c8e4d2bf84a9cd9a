#!/usr/bin/env python3
"""Rewrites the outputs of the README's `$ kors …` sessions with what kors prints now.

Runs each session as tests/it/examples.rs does (a copy of corpus/ in a temporary
directory, `sh -c`, stderr then stdout, NO_COLOR); the test then checks the
README. Usage: `python3 scripts/readme-examples.py target/release/kors`.
"""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    kors = os.path.abspath(sys.argv[1])
    path = os.path.dirname(kors) + os.pathsep + os.environ.get("PATH", "")
    readme = os.path.join(ROOT, "README.md")
    lines = open(readme, encoding="utf-8").read().split("\n")
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(os.path.join(ROOT, "corpus"), os.path.join(tmp, "corpus"))
        env = dict(os.environ, PATH=path, HOME=tmp, NO_COLOR="1")
        env.pop("KORS_INDEX", None)
        out, i = [], 0
        while i < len(lines):
            line = lines[i]
            out.append(line)
            i += 1
            if not (line.startswith("```") and i < len(lines) and lines[i].startswith("$ kors")):
                continue
            while i < len(lines) and not lines[i].startswith("```"):
                if lines[i].startswith("$ "):
                    cmd = lines[i][2:]
                    r = subprocess.run(["sh", "-c", cmd], cwd=tmp, env=env, capture_output=True)
                    text = (r.stderr + r.stdout).decode()
                    out.append(lines[i])
                    out.extend(text.rstrip("\n").split("\n") if text.strip() else [])
                    if text.endswith("\n\n"):
                        out.append("")
                i += 1
    open(readme, "w", encoding="utf-8").write("\n".join(out))


if __name__ == "__main__":
    main()
