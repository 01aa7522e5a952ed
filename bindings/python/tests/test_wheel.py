"""The wheel: built offline by build_wheel.py, installed with pip into a fresh virtualenv,
imported and used from a script there."""

import os
import subprocess
import zipfile

from conftest import Server

import quiver

PYTHON = "/usr/bin/python3"  # the interpreter users create virtualenvs from


def test_wheel_installs_into_a_virtualenv_and_works(tmp_path):
    server = Server("quiver").start()
    try:
        check_wheel(server, tmp_path)
    finally:
        server.stop()


def check_wheel(server, tmp_path):
    package = os.path.dirname(os.path.abspath(quiver.__file__))
    build_wheel = os.path.join(os.path.dirname(package), "build_wheel.py")
    out = subprocess.run(
        [PYTHON, build_wheel, "--so", os.path.join(package, "_quiver.so"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    wheel = out.stdout.strip()
    assert os.path.basename(wheel).startswith(f"quiver-{quiver.__version__}-cp3")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        record = zf.read(f"quiver-{quiver.__version__}.dist-info/RECORD").decode()
    assert "quiver/__init__.py" in names and "quiver/_quiver.pyi" in names
    assert {"quiver/js/__init__.py", "quiver/js/kv.py", "quiver/js/object_store.py"} <= names
    assert any(n.startswith("quiver/_quiver.") and n.endswith(".so") for n in names)
    assert len(record.splitlines()) == len(names)

    venv = tmp_path / "venv"
    subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True, capture_output=True)
    env = {"PATH": "/usr/bin:/bin", "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--no-index", wheel],
        check=True,
        capture_output=True,
        env=env,
    )
    script = tmp_path / "use.py"
    script.write_text(
        "import asyncio, quiver, quiver.js\n"
        "async def main():\n"
        f"    nc = await quiver.connect('{server.url}')\n"
        "    sub = await nc.subscribe('wheel')\n"
        "    await nc.publish('wheel', b'installed')\n"
        "    print((await sub.next_msg()).data.decode(), quiver.__file__)\n"
        "    assert nc.jetstream().__class__ is quiver.js.JetStreamContext\n"
        "    await nc.close()\n"
        "asyncio.run(main())\n"
    )
    run = subprocess.run(
        [str(venv / "bin" / "python"), str(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(tmp_path),
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    data, location = run.stdout.split()
    assert data == "installed"
    assert location.startswith(str(venv))  # the installed copy, not the source tree
