"""docs/emulator-operations.md lists every AWS operation the collection calls (and only real ones)."""

import re
from pathlib import Path

import botocore.session

ROOT = Path(__file__).resolve().parents[3]
CALL = re.compile(r"\b\w*client\w*\.([a-z][a-z0-9_]+)\(")
PAGINATOR = re.compile(r"(?:get_paginator\(|paginate\(\s*\w+,)\s*[\"']([a-z0-9_]+)[\"']")
NOT_OPERATIONS = {"get_paginator", "get_waiter", "can_paginate", "close", "exceptions", "meta"}


def camel(name):
    return "".join(part.upper() if part in ("ids",) else part.capitalize() for part in name.split("_"))


def called_operations():
    found = {}
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        text = path.read_text()
        for name in CALL.findall(text) + PAGINATOR.findall(text):
            if name not in NOT_OPERATIONS:
                found.setdefault(name, path.relative_to(ROOT).as_posix())
    return found


def table_rows():
    rows = set()
    for line in (ROOT / "docs" / "emulator-operations.md").read_text().splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] and cells[0] not in ("service", "---") and not cells[0].startswith("-"):
            for operation in cells[1].split(","):  # a row may list several operations
                rows.add((cells[0], operation.strip().strip("`")))
    return rows


def all_operation_names():
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    names = {}
    for service in (
        "ec2",
        "autoscaling",
        "elbv2",
        "sqs",
        "lambda",
        "stepfunctions",
        "iam",
        "sts",
        "s3",
        "logs",
        "elasticbeanstalk",
        "codebuild",
        "codepipeline",
        "codeconnections",
        "codestar-connections",
        "ssm",
    ):
        model = loader.load_service_model(service, "service-2")
        for operation in model["operations"]:
            names.setdefault(botocore.xform_name(operation), set()).add(operation)
    return names


def test_every_operation_the_collection_calls_is_in_the_table():
    listed = {operation for _service, operation in table_rows()}
    names = all_operation_names()
    missing = sorted(
        f"{'/'.join(sorted(names.get(call, {camel(call)})))} (called in {where})"
        for call, where in called_operations().items()
        if not names.get(call, {camel(call)}) & listed
    )
    assert missing == [], "add these to docs/emulator-operations.md:\n" + "\n".join(missing)


def test_no_row_says_not_served():
    text = (ROOT / "docs" / "emulator-operations.md").read_text().lower()
    assert "not served" not in text.split("| --- |", 1)[-1]
