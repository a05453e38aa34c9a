"""bench/taskcost.py's reading of ``python -X importtime``."""

import pytest
import taskcost

IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       100 |        100 |   _io
import time:       200 |        300 | encodings
import time:       300 |        300 |   botocore.compat
import time:      2000 |       5000 | botocore
import time:      1000 |      70000 | boto3
some other line
"""


def test_named_packages_and_all_top_level_imports():
    found = taskcost.import_times(IMPORTTIME)
    assert found["botocore"] == pytest.approx(0.005)
    assert found["boto3"] == pytest.approx(0.07)
    assert found["all imports"] == pytest.approx((300 + 5000 + 70000) / 1e6)  # nested ones are inside
    assert "botocore.compat" not in found
