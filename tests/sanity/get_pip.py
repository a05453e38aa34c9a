"""Stand-in for the get-pip bootstrap script ansible-test downloads from outside the package
registries (unreachable here): pip from the standard library's ensurepip, then the requested
packages from the package index, as get-pip would.

ansible-test runs pip with a scrubbed environment, so the user's pip settings (index, certificate
bundle) are lost; run.sh writes them into PIP_SETTINGS below and this script keeps them in the
new virtual environment's own pip.conf, where every later pip call of ansible-test finds them.
"""

import ensurepip
import os
import subprocess
import sys

PIP_SETTINGS = {}  # replaced by run.sh

with open(os.path.join(sys.prefix, "pip.conf"), "w", encoding="utf-8") as config:
    config.write("[global]\n" + "".join(f"{key} = {value}\n" for key, value in PIP_SETTINGS.items()))
ensurepip.bootstrap(upgrade=True)
os.environ.pop("PIP_CONFIG_FILE", None)  # ensurepip sets it to /dev/null for the rest of the process
args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install", *args])
