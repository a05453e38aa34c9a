"""Elastic Beanstalk extension: application versions, environment lifecycle, events, platforms."""

import json
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from refarch_emulator.testing import client, durations, error, private_emulator

DELAY = 0.6  # each operation here: launch, update, terminate, a version's processing
EB_DURATIONS = durations(
    dict.fromkeys(
        [
            "elasticbeanstalk-launch",
            "elasticbeanstalk-update",
            "elasticbeanstalk-terminate",
            "elasticbeanstalk-version",
        ],
        DELAY,
    )
)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with private_emulator(tmp_path_factory.mktemp("state"), **EB_DURATIONS) as url:
        yield url


@pytest.fixture
def eb(endpoint):
    return client(endpoint, "elasticbeanstalk")


@pytest.fixture
def app(endpoint, eb):
    """An application with a bundle in S3 and version v1."""
    name = f"app-{uuid.uuid4().hex[:8]}"
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="v1.zip", Body=b"PK")
    s3.put_object(Bucket=name, Key="v2.zip", Body=b"PK")
    eb.create_application(ApplicationName=name, Tags=[{"Key": "refarch:deployment", "Value": "t"}])
    eb.create_application_version(
        ApplicationName=name, VersionLabel="v1", SourceBundle={"S3Bucket": name, "S3Key": "v1.zip"}
    )
    return name


STACK = "64bit Amazon Linux 2023 v4.10.0 running Python 3.11"  # the current version of its branch
BRANCH = "Python 3.11 running on 64bit Amazon Linux 2023"
ARN = "arn:aws:elasticbeanstalk:us-east-1::platform/"


def wait_status(eb, env_id, status, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        env = eb.describe_environments(EnvironmentIds=[env_id])["Environments"][0]
        if env["Status"] == status:
            return env
        time.sleep(0.1)
    raise AssertionError(f"{env_id} never reached {status}; last {env['Status']}")


def test_application_version_from_s3_bundle(eb, app):
    version = eb.describe_application_versions(ApplicationName=app, VersionLabels=["v1"])["ApplicationVersions"]
    assert len(version) == 1
    assert version[0]["Status"] == "UNPROCESSED"
    assert version[0]["SourceBundle"] == {"S3Bucket": app, "S3Key": "v1.zip"}
    assert version[0]["ApplicationVersionArn"] == (
        f"arn:aws:elasticbeanstalk:us-east-1:123456789012:applicationversion/{app}/v1"
    )
    processed = eb.create_application_version(
        ApplicationName=app, VersionLabel="v2", SourceBundle={"S3Bucket": app, "S3Key": "v2.zip"}, Process=True
    )["ApplicationVersion"]
    assert processed["Status"] == "PROCESSING"
    time.sleep(DELAY + 0.1)
    labels = [v["VersionLabel"] for v in eb.describe_application_versions(ApplicationName=app)["ApplicationVersions"]]
    assert labels == ["v2", "v1"]  # newest first, as AWS lists them
    status = eb.describe_application_versions(ApplicationName=app, VersionLabels=["v2"])["ApplicationVersions"]
    assert status[0]["Status"] == "PROCESSED"
    assert eb.describe_applications(ApplicationNames=[app])["Applications"][0]["Versions"] == ["v2", "v1"]


def test_application_version_errors(eb, app):
    with pytest.raises(ClientError) as missing_key:
        eb.create_application_version(
            ApplicationName=app, VersionLabel="v9", SourceBundle={"S3Bucket": app, "S3Key": "nope.zip"}
        )
    code, message = error(missing_key)
    assert code == "InvalidParameterCombination"
    assert message.startswith(f"Unable to download from S3 location (Bucket: {app} Key: nope.zip)")
    with pytest.raises(ClientError) as missing_bucket:
        eb.create_application_version(
            ApplicationName=app, VersionLabel="v9", SourceBundle={"S3Bucket": "no-such-bucket-x", "S3Key": "a.zip"}
        )
    assert error(missing_bucket)[0] == "InvalidParameterCombination"
    with pytest.raises(ClientError) as duplicate:
        eb.create_application_version(
            ApplicationName=app, VersionLabel="v1", SourceBundle={"S3Bucket": app, "S3Key": "v1.zip"}
        )
    assert error(duplicate) == ("InvalidParameterValue", "Application Version v1 already exists.")
    with pytest.raises(ClientError) as no_app:
        eb.create_application_version(ApplicationName="nope-app", VersionLabel="v1")
    assert error(no_app) == ("InvalidParameterValue", "No Application named 'nope-app' found.")
    with pytest.raises(ClientError) as no_version:
        eb.delete_application_version(ApplicationName=app, VersionLabel="v7")
    assert error(no_version)[0] == "InvalidParameterValue"


def test_auto_create_application_and_delete_with_source_bundle(endpoint, eb):
    name = f"auto-{uuid.uuid4().hex[:8]}"
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="b.zip", Body=b"PK")
    eb.create_application_version(
        ApplicationName=name,
        VersionLabel="v1",
        AutoCreateApplication=True,
        SourceBundle={"S3Bucket": name, "S3Key": "b.zip"},
        Tags=[{"Key": "k", "Value": "v"}],
    )
    arn = f"arn:aws:elasticbeanstalk:us-east-1:123456789012:applicationversion/{name}/v1"
    assert eb.list_tags_for_resource(ResourceArn=arn)["ResourceTags"] == [{"Key": "k", "Value": "v"}]
    assert eb.describe_applications(ApplicationNames=[name])["Applications"][0]["ApplicationName"] == name
    eb.delete_application_version(ApplicationName=name, VersionLabel="v1", DeleteSourceBundle=True)
    assert eb.describe_application_versions(ApplicationName=name)["ApplicationVersions"] == []
    assert s3.list_objects_v2(Bucket=name).get("KeyCount") == 0


def test_environment_lifecycle_launch_update_terminate(eb, app):
    created = eb.create_environment(
        ApplicationName=app,
        EnvironmentName=f"{app}-env",
        CNAMEPrefix=f"{app}-web",
        SolutionStackName=STACK,
        VersionLabel="v1",
        OptionSettings=[{"Namespace": "aws:autoscaling:asg", "OptionName": "MaxSize", "Value": "2"}],
        Tags=[{"Key": "refarch:deployment", "Value": "t"}],
    )
    env_id = created["EnvironmentId"]
    assert env_id.startswith("e-") and len(env_id) == 12
    assert created["Status"] == "Launching"
    assert created["Health"] == "Grey"
    assert created["CNAME"] == f"{app}-web.us-east-1.elasticbeanstalk.com"
    assert created["VersionLabel"] == "v1"
    assert created["PlatformArn"] == f"{ARN}{BRANCH}/4.10.0"
    assert created["Tier"] == {"Name": "WebServer", "Type": "Standard", "Version": "1.0"}

    ready = wait_status(eb, env_id, "Ready")
    assert ready["Health"] == "Green"
    waiter = eb.get_waiter("environment_exists")
    waiter.wait(EnvironmentIds=[env_id], WaiterConfig={"Delay": 1, "MaxAttempts": 5})

    settings = eb.describe_configuration_settings(ApplicationName=app, EnvironmentName=f"{app}-env")
    options = {
        (o["Namespace"], o["OptionName"]): o["Value"] for o in settings["ConfigurationSettings"][0]["OptionSettings"]
    }
    assert options[("aws:autoscaling:asg", "MaxSize")] == "2"
    assert options[("aws:autoscaling:asg", "MinSize")] == "1"  # a default AWS reports too

    eb.create_application_version(
        ApplicationName=app, VersionLabel="v2", SourceBundle={"S3Bucket": app, "S3Key": "v2.zip"}
    )
    updated = eb.update_environment(
        EnvironmentName=f"{app}-env",
        VersionLabel="v2",
        OptionSettings=[{"Namespace": "aws:autoscaling:asg", "OptionName": "MaxSize", "Value": "3"}],
        OptionsToRemove=[{"Namespace": "aws:autoscaling:asg", "OptionName": "MinSize"}],
    )
    assert updated["Status"] == "Updating"
    assert updated["VersionLabel"] == "v2"
    with pytest.raises(ClientError) as busy:
        eb.update_environment(EnvironmentId=env_id, VersionLabel="v1")
    assert error(busy) == (
        "InvalidParameterValue",
        f"Environment named {app}-env is in an invalid state for this operation. Must be Ready.",
    )
    with pytest.raises(ClientError) as in_use:
        eb.delete_application_version(ApplicationName=app, VersionLabel="v2")
    assert error(in_use)[0] == "InvalidParameterValue"
    eb.get_waiter("environment_updated").wait(EnvironmentIds=[env_id], WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    settings = eb.describe_configuration_settings(ApplicationName=app, EnvironmentName=f"{app}-env")
    options = {
        (o["Namespace"], o["OptionName"]): o["Value"] for o in settings["ConfigurationSettings"][0]["OptionSettings"]
    }
    assert options[("aws:autoscaling:asg", "MaxSize")] == "3"
    assert ("aws:autoscaling:asg", "MinSize") not in options

    check_health_tags_terminate(eb, app, env_id, ready)


def check_health_tags_terminate(eb, app, env_id, ready):
    health = eb.describe_environment_health(EnvironmentId=env_id, AttributeNames=["All"])
    assert (health["Status"], health["Color"], health["HealthStatus"]) == ("Ready", "Green", "Ok")

    arn = ready["EnvironmentArn"]
    eb.update_tags_for_resource(ResourceArn=arn, TagsToAdd=[{"Key": "extra", "Value": "1"}])
    tags = {t["Key"]: t["Value"] for t in eb.list_tags_for_resource(ResourceArn=arn)["ResourceTags"]}
    assert tags == {"refarch:deployment": "t", "extra": "1"}

    terminating = eb.terminate_environment(EnvironmentId=env_id)
    assert terminating["Status"] == "Terminating"
    eb.get_waiter("environment_terminated").wait(EnvironmentIds=[env_id], WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    gone = eb.describe_environments(EnvironmentIds=[env_id], IncludeDeleted=False)["Environments"]
    assert gone == []
    with pytest.raises(ClientError) as terminated:
        eb.terminate_environment(EnvironmentId=env_id)
    assert error(terminated) == ("InvalidParameterValue", f"No Environment found for EnvironmentId = '{env_id}'.")

    messages = [e["Message"] for e in eb.describe_events(EnvironmentName=f"{app}-env")["Events"]]
    assert messages[0] == "terminateEnvironment completed successfully."  # newest first
    assert messages[-1] == "createEnvironment is starting."
    assert f"Successfully launched environment: {app}-env" in messages
    assert "Environment update completed successfully." in messages

    # the name can be used again once the old environment is Terminated
    again = eb.create_environment(ApplicationName=app, EnvironmentName=f"{app}-env", SolutionStackName=STACK)
    assert again["EnvironmentId"] != env_id
    assert "VersionLabel" not in again  # no version: AWS deploys its sample application


def test_describe_environments_filters(eb, app):
    one = eb.create_environment(
        ApplicationName=app, EnvironmentName=f"{app}-a", SolutionStackName=STACK, VersionLabel="v1"
    )
    two = eb.create_environment(
        ApplicationName=app,
        EnvironmentName=f"{app}-b",
        PlatformArn=f"{ARN}Python 3.12 running on 64bit Amazon Linux 2023/4.10.0",
        Tier={"Name": "Worker", "Type": "SQS/HTTP"},
    )
    assert two["SolutionStackName"] == "64bit Amazon Linux 2023 v4.10.0 running Python 3.12"
    assert "CNAME" not in two  # worker environments have none
    assert two["Tier"]["Name"] == "Worker"
    assert one["CNAME"].startswith(f"{app}-a.eba-")
    by_name = eb.describe_environments(EnvironmentNames=[f"{app}-a"])["Environments"]
    assert [e["EnvironmentId"] for e in by_name] == [one["EnvironmentId"]]
    by_id = eb.describe_environments(EnvironmentIds=[two["EnvironmentId"]])["Environments"]
    assert [e["EnvironmentName"] for e in by_id] == [f"{app}-b"]
    by_app = eb.describe_environments(ApplicationName=app)["Environments"]
    assert {e["EnvironmentName"] for e in by_app} == {f"{app}-a", f"{app}-b"}
    by_version = eb.describe_environments(ApplicationName=app, VersionLabel="v1")["Environments"]
    assert [e["EnvironmentName"] for e in by_version] == [f"{app}-a"]
    assert eb.describe_environments(EnvironmentNames=["no-such-env"])["Environments"] == []


def test_create_environment_errors(eb, app):
    cases = [
        (
            dict(ApplicationName="missing-app", EnvironmentName="x-env", SolutionStackName=STACK),
            ("InvalidParameterValue", "No Application named 'missing-app' found."),
        ),
        (
            dict(ApplicationName=app, EnvironmentName="x-env", SolutionStackName=STACK, VersionLabel="v9"),
            ("InvalidParameterValue", "No Application Version named 'v9' found."),
        ),
        (
            dict(ApplicationName=app, EnvironmentName="x-env", SolutionStackName="64bit Nothing"),
            ("InvalidParameterValue", "No Solution Stack named '64bit Nothing' found."),
        ),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ClientError) as excinfo:
            eb.create_environment(**kwargs)
        assert error(excinfo) == expected
    with pytest.raises(ClientError) as bad_option:
        eb.create_environment(
            ApplicationName=app,
            EnvironmentName="x-env",
            SolutionStackName=STACK,
            OptionSettings=[{"Namespace": "nope", "OptionName": "MaxSize", "Value": "2"}],
        )
    assert error(bad_option) == (
        "InvalidParameterValue",
        "Invalid option specification (Namespace: 'nope', OptionName: 'MaxSize'): Unknown configuration setting.",
    )
    with pytest.raises(ClientError) as no_platform:
        eb.create_environment(ApplicationName=app, EnvironmentName="x-env")
    assert error(no_platform)[0] == "MissingParameter"
    eb.create_environment(ApplicationName=app, EnvironmentName=f"{app}-d", SolutionStackName=STACK, CNAMEPrefix=app)
    with pytest.raises(ClientError) as duplicate:
        eb.create_environment(ApplicationName=app, EnvironmentName=f"{app}-d", SolutionStackName=STACK)
    assert error(duplicate) == ("InvalidParameterValue", f"Environment {app}-d already exists.")
    assert eb.check_dns_availability(CNAMEPrefix=app)["Available"] is False
    with pytest.raises(ClientError) as taken:
        eb.create_environment(ApplicationName=app, EnvironmentName=f"{app}-e", SolutionStackName=STACK, CNAMEPrefix=app)
    assert error(taken) == (
        "InvalidParameterValue",
        f"DNS name ({app}.us-east-1.elasticbeanstalk.com) is not available.",
    )
    with pytest.raises(ClientError) as unknown_env:
        eb.update_environment(EnvironmentName="no-such-env", VersionLabel="v1")
    assert error(unknown_env) == ("InvalidParameterValue", "No Environment found for EnvironmentName = 'no-such-env'.")
    with pytest.raises(ClientError) as unknown_arn:
        eb.list_tags_for_resource(ResourceArn="arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/a/b")
    assert error(unknown_arn)[0] == "ResourceNotFoundException"


def test_delete_application_with_running_environment_needs_force(eb, app):
    eb.create_environment(ApplicationName=app, EnvironmentName=f"{app}-f", SolutionStackName=STACK)
    with pytest.raises(ClientError) as running:
        eb.delete_application(ApplicationName=app)
    assert error(running)[0] == "InvalidParameterValue"
    eb.delete_application(ApplicationName=app, TerminateEnvByForce=True)
    assert eb.describe_applications(ApplicationNames=[app])["Applications"] == []
    env = eb.describe_environments(EnvironmentNames=[f"{app}-f"])["Environments"][0]
    assert env["Status"] == "Terminating"


def test_events_filters(eb, app):
    start = datetime.now(UTC) - timedelta(seconds=1)
    env = eb.create_environment(ApplicationName=app, EnvironmentName=f"{app}-g", SolutionStackName=STACK)
    wait_status(eb, env["EnvironmentId"], "Ready")
    events = eb.describe_events(EnvironmentId=env["EnvironmentId"], StartTime=start)["Events"]
    assert [e["Message"] for e in events] == [
        f"Successfully launched environment: {app}-g",
        "Environment health has transitioned from Pending to Ok.",
        "createEnvironment is starting.",
    ]
    assert all(e["Severity"] == "INFO" and e["ApplicationName"] == app for e in events)
    assert eb.describe_events(EnvironmentId=env["EnvironmentId"], Severity="WARN")["Events"] == []
    page = eb.describe_events(EnvironmentId=env["EnvironmentId"], MaxRecords=2)
    assert len(page["Events"]) == 2 and page["NextToken"]
    rest = eb.describe_events(EnvironmentId=env["EnvironmentId"], MaxRecords=2, NextToken=page["NextToken"])
    assert len(rest["Events"]) == 1 and "NextToken" not in rest


def test_platform_versions(eb):
    python = eb.list_platform_versions(
        Filters=[
            {"Type": "PlatformName", "Operator": "contains", "Values": ["Python"]},
            {"Type": "PlatformName", "Operator": "contains", "Values": ["Amazon Linux 2023"]},
        ]
    )["PlatformSummaryList"]
    arns = {p["PlatformArn"] for p in python}
    assert f"{ARN}{BRANCH}/4.6.0" in arns and f"{ARN}{BRANCH}/4.10.0" in arns
    assert all(p["PlatformStatus"] == "Ready" and p["OperatingSystemVersion"] == "2023" for p in python)
    branch = eb.list_platform_versions(
        Filters=[
            {"Type": "PlatformBranchName", "Operator": "=", "Values": [BRANCH]},
            {"Type": "PlatformStatus", "Operator": "=", "Values": ["Ready"]},
        ]
    )["PlatformSummaryList"]
    assert [p["PlatformVersion"] for p in branch] == ["4.3.0", "4.5.2", "4.6.0", "4.9.1", "4.10.0"]
    assert {p["PlatformBranchLifecycleState"] for p in branch} == {"Supported"}
    # One Recommended version per branch (the newest); the others have no PlatformLifecycleState.
    assert [p.get("PlatformLifecycleState") for p in branch] == [None, None, None, None, "Recommended"]
    recommended = eb.list_platform_versions(
        Filters=[
            {"Type": "PlatformBranchName", "Operator": "=", "Values": [BRANCH]},
            {"Type": "PlatformLifecycleState", "Operator": "=", "Values": ["recommended"]},
        ]
    )["PlatformSummaryList"]
    assert [p["PlatformVersion"] for p in recommended] == ["4.10.0"]
    newer = eb.list_platform_versions(
        Filters=[
            {"Type": "PlatformBranchName", "Operator": "=", "Values": [BRANCH]},
            {"Type": "PlatformVersion", "Operator": ">", "Values": ["4.9.1"]},
        ]
    )["PlatformSummaryList"]
    assert [p["PlatformVersion"] for p in newer] == ["4.10.0"]  # compared as versions, not as text
    described = eb.describe_platform_version(PlatformArn=branch[-1]["PlatformArn"])["PlatformDescription"]
    assert described["SolutionStackName"] == STACK
    assert described["PlatformBranchLifecycleState"] == "Supported"
    assert described["ProgrammingLanguages"] == [{"Name": "Python"}]
    with pytest.raises(ClientError) as bad:
        eb.describe_platform_version(PlatformArn="arn:aws:elasticbeanstalk:us-east-1::platform/Nope/1.0.0")
    assert error(bad)[0] == "InvalidParameterValue"


def test_platform_branches_and_their_filters(eb):
    everything = eb.list_platform_branches()["PlatformBranchSummaryList"]
    states = {b["BranchName"]: b["LifecycleState"] for b in everything}
    assert states[BRANCH] == "Supported"
    assert states["Python 3.9 running on 64bit Amazon Linux 2023"] == "Deprecated"
    assert states["Python 3.8 running on 64bit Amazon Linux 2"] == "Retired"
    assert states["Python 3.14 running on 64bit Amazon Linux 2023"] == "Beta"
    usable = eb.list_platform_branches(
        Filters=[
            {"Attribute": "PlatformName", "Operator": "=", "Values": ["Python"]},
            {"Attribute": "LifecycleState", "Operator": "in", "Values": ["supported", "beta"]},
            {"Attribute": "TierType", "Operator": "=", "Values": ["WebServer/Standard"]},
        ]
    )["PlatformBranchSummaryList"]
    assert sorted(b["BranchName"] for b in usable) == [
        "Python 3.11 running on 64bit Amazon Linux 2023",
        "Python 3.12 running on 64bit Amazon Linux 2023",
        "Python 3.13 running on 64bit Amazon Linux 2023",
        "Python 3.14 running on 64bit Amazon Linux 2023",
    ]
    assert all(b["SupportedTierList"] == ["WebServer/Standard", "Worker/SQS/HTTP"] for b in usable)
    al2 = eb.list_platform_branches(
        Filters=[{"Attribute": "BranchName", "Operator": "ends_with", "Values": ["Amazon Linux 2"]}]
    )["PlatformBranchSummaryList"]
    assert [b["BranchName"] for b in al2] == ["Python 3.8 running on 64bit Amazon Linux 2"]
    page = eb.list_platform_branches(MaxRecords=2)
    assert len(page["PlatformBranchSummaryList"]) == 2 and page["NextToken"]
    for bad in (
        {"Attribute": "Colour", "Operator": "=", "Values": ["x"]},
        {"Attribute": "LifecycleState", "Operator": "contains", "Values": ["sup"]},
    ):
        with pytest.raises(ClientError) as refused:
            eb.list_platform_branches(Filters=[bad])
        assert error(refused)[0] == "InvalidParameterValue"


def test_only_current_platforms_are_accepted(eb, app):
    stacks = eb.list_available_solution_stacks()["SolutionStacks"]
    assert STACK in stacks
    assert "64bit Amazon Linux 2023 v4.6.0 running Python 3.11" not in stacks  # an older version of the branch
    assert not [s for s in stacks if "Amazon Linux 2 v" in s]  # the retired branch
    refused = [
        (
            dict(SolutionStackName="64bit Amazon Linux 2023 v4.6.0 running Python 3.11"),
            "No Solution Stack named '64bit Amazon Linux 2023 v4.6.0 running Python 3.11' found.",
        ),
        (
            dict(SolutionStackName="64bit Amazon Linux 2 v3.6.2 running Python 3.8"),
            "No Solution Stack named '64bit Amazon Linux 2 v3.6.2 running Python 3.8' found.",
        ),
        (
            dict(PlatformArn=f"{ARN}Python 3.8 running on 64bit Amazon Linux 2/3.6.2"),
            f"No Platform named '{ARN}Python 3.8 running on 64bit Amazon Linux 2/3.6.2' found.",
        ),
    ]
    for platform, message in refused:
        with pytest.raises(ClientError) as excinfo:
            eb.create_environment(ApplicationName=app, EnvironmentName=f"{app}-old", **platform)
        assert error(excinfo) == ("InvalidParameterValue", message)
    with pytest.raises(ClientError) as older:  # an older version this account never used
        eb.create_environment(ApplicationName=app, EnvironmentName=f"{app}-old", PlatformArn=f"{ARN}{BRANCH}/4.6.0")
    assert error(older) == ("InvalidParameterValue", f"No Platform named '{ARN}{BRANCH}/4.6.0' found.")


def release(endpoint, branch, version):
    request = urllib.request.Request(
        f"{endpoint}/refarch-emulator/elasticbeanstalk/platforms/{urllib.parse.quote(branch)}/{version}", method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def test_a_new_release_supersedes_the_version_an_environment_runs(endpoint, eb, app):
    branch = "Node.js 20 running on 64bit Amazon Linux 2023"
    running = eb.create_environment(
        ApplicationName=app,
        EnvironmentName=f"{app}-node",
        SolutionStackName="64bit Amazon Linux 2023 v6.6.2 running Node.js 20",
    )
    wait_status(eb, running["EnvironmentId"], "Ready")
    assert release(endpoint, branch, "6.7.0") == {"PlatformBranchName": branch, "PlatformVersion": "6.7.0"}
    versions = eb.list_platform_versions(Filters=[{"Type": "PlatformBranchName", "Operator": "=", "Values": [branch]}])
    states = {p["PlatformVersion"]: p.get("PlatformLifecycleState") for p in versions["PlatformSummaryList"]}
    assert states == {"6.2.0": None, "6.4.0": None, "6.6.2": None, "6.7.0": "Recommended"}
    assert (
        "64bit Amazon Linux 2023 v6.6.2 running Node.js 20" not in eb.list_available_solution_stacks()["SolutionStacks"]
    )
    with pytest.raises(ClientError) as by_name:
        eb.create_environment(
            ApplicationName=app,
            EnvironmentName=f"{app}-n2",
            SolutionStackName="64bit Amazon Linux 2023 v6.6.2 running Node.js 20",
        )
    assert error(by_name)[0] == "InvalidParameterValue"
    # The account used 6.6.2: its ARN still creates environments; the running one keeps it.
    again = eb.create_environment(ApplicationName=app, EnvironmentName=f"{app}-n2", PlatformArn=f"{ARN}{branch}/6.6.2")
    assert again["PlatformArn"] == f"{ARN}{branch}/6.6.2"
    assert eb.describe_environments(EnvironmentIds=[running["EnvironmentId"]])["Environments"][0]["PlatformArn"] == (
        f"{ARN}{branch}/6.6.2"
    )
    moved = eb.update_environment(EnvironmentId=running["EnvironmentId"], PlatformArn=f"{ARN}{branch}/6.7.0")
    assert moved["PlatformArn"] == f"{ARN}{branch}/6.7.0"
    with urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10):
        pass  # the releases go with the rest of the state
    current = eb.list_platform_versions(
        Filters=[
            {"Type": "PlatformBranchName", "Operator": "=", "Values": [branch]},
            {"Type": "PlatformLifecycleState", "Operator": "=", "Values": ["recommended"]},
        ]
    )["PlatformSummaryList"]
    assert [p["PlatformVersion"] for p in current] == ["6.6.2"]


def test_launch_fails_while_the_instance_profile_is_unknown(endpoint, eb, app):
    iam = client(endpoint, "iam")
    name = f"{app}-ec2"
    iam.create_role(
        RoleName=name,
        AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    )
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    profile = [{"Namespace": "aws:autoscaling:launchconfiguration", "OptionName": "IamInstanceProfile", "Value": name}]
    start = datetime.now(UTC) - timedelta(seconds=1)
    # Accepted, as on AWS: the launch itself fails, and only the events say why.
    early = eb.create_environment(
        ApplicationName=app, EnvironmentName=f"{app}-ip", SolutionStackName=STACK, OptionSettings=profile
    )
    assert early["Status"] == "Launching"
    failed = wait_status(eb, early["EnvironmentId"], "Ready")
    assert failed["Health"] == "Grey"
    errors = eb.describe_events(EnvironmentId=early["EnvironmentId"], Severity="ERROR", StartTime=start)["Events"]
    assert [e["Message"] for e in errors] == [
        "Failed to launch environment.",
        f"The instance profile {name} associated with the environment does not exist.",
    ]
    missing = eb.create_environment(
        ApplicationName=app,
        EnvironmentName=f"{app}-nope",
        SolutionStackName=STACK,
        OptionSettings=[dict(profile[0], Value="no-such-profile")],
    )
    wait_status(eb, missing["EnvironmentId"], "Ready")
    assert eb.describe_events(EnvironmentId=missing["EnvironmentId"], Severity="ERROR")["Events"][-1]["Message"] == (
        "The instance profile no-such-profile associated with the environment does not exist."
    )
    eb.terminate_environment(EnvironmentId=early["EnvironmentId"])
    wait_status(eb, early["EnvironmentId"], "Terminated")
    time.sleep(2.1)  # the IAM window at the test suites' time scale (10 s x 0.2)
    later = eb.create_environment(
        ApplicationName=app, EnvironmentName=f"{app}-ip", SolutionStackName=STACK, OptionSettings=profile
    )
    ready = wait_status(eb, later["EnvironmentId"], "Ready")
    assert ready["Health"] == "Green"
    assert eb.describe_events(EnvironmentId=later["EnvironmentId"], Severity="ERROR")["Events"] == []

    # An update to a profile created a moment ago fails the same way; the configuration stays as it was.
    iam.create_instance_profile(InstanceProfileName=f"{name}-2")
    iam.add_role_to_instance_profile(InstanceProfileName=f"{name}-2", RoleName=name)
    updated = eb.update_environment(
        EnvironmentId=later["EnvironmentId"], OptionSettings=[dict(profile[0], Value=f"{name}-2")]
    )
    assert updated["Status"] == "Updating"
    after = wait_status(eb, later["EnvironmentId"], "Ready")
    assert after["Health"] == "Green"  # the instances it had still run
    assert [
        e["Message"] for e in eb.describe_events(EnvironmentId=later["EnvironmentId"], Severity="ERROR")["Events"]
    ] == [
        "Failed to deploy configuration.",
        f"The instance profile {name}-2 associated with the environment does not exist.",
    ]
    options = eb.describe_configuration_settings(ApplicationName=app, EnvironmentName=f"{app}-ip")
    values = {o["OptionName"]: o["Value"] for o in options["ConfigurationSettings"][0]["OptionSettings"]}
    assert values["IamInstanceProfile"] == name


def test_resources_and_tagging_api(endpoint, eb, app):
    env = eb.create_environment(
        ApplicationName=app,
        EnvironmentName=f"{app}-h",
        SolutionStackName=STACK,
        Tags=[{"Key": "refarch:deployment", "Value": app}],
    )
    resources = eb.describe_environment_resources(EnvironmentId=env["EnvironmentId"])["EnvironmentResources"]
    assert resources["EnvironmentName"] == f"{app}-h"
    tagging = client(endpoint, "resourcegroupstaggingapi")
    found = tagging.get_resources(TagFilters=[{"Key": "refarch:deployment", "Values": [app]}])
    assert [r["ResourceARN"] for r in found["ResourceTagMappingList"]] == [env["EnvironmentArn"]]


def test_health_is_severe_while_the_service_role_cannot_be_assumed(endpoint, eb, app):
    iam = client(endpoint, "iam")
    trusted = iam.create_role(
        RoleName=f"{app}-svc",
        AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Principal":{"Service":"elasticbeanstalk.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    )["Role"]["Arn"]
    untrusted = iam.create_role(
        RoleName=f"{app}-ec2svc",
        AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    )["Role"]["Arn"]

    def launch(name, role):
        env = eb.create_environment(
            ApplicationName=app,
            EnvironmentName=name,
            SolutionStackName=STACK,
            OptionSettings=[
                {"Namespace": "aws:elasticbeanstalk:environment", "OptionName": "ServiceRole", "Value": role}
            ],
        )
        return wait_status(eb, env["EnvironmentId"], "Ready")

    early = launch(f"{app}-svc1", trusted)  # seconds after the role was created
    assert (early["Health"], early["HealthStatus"]) == ("Red", "Severe")
    cause = f'Unable to assume role "{trusted}". Verify that the role exists and is configured correctly.'
    assert eb.describe_environment_health(EnvironmentName=f"{app}-svc1", AttributeNames=["All"])["Causes"] == [cause]
    wrong = launch(f"{app}-svc2", untrusted)
    assert wrong["Health"] == "Red"
    time.sleep(2.1)  # the IAM window at the test suites' time scale
    settled = eb.describe_environments(EnvironmentIds=[early["EnvironmentId"]])["Environments"][0]
    assert (settled["Health"], settled["HealthStatus"]) == ("Green", "Ok")
    assert eb.describe_environments(EnvironmentIds=[wrong["EnvironmentId"]])["Environments"][0]["Health"] == "Red"
    messages = [e["Message"] for e in eb.describe_events(EnvironmentId=early["EnvironmentId"])["Events"]]
    assert messages[0] == "Environment health has transitioned from Severe to Ok."
    assert f"Environment health has transitioned from Ok to Severe. {cause}" in messages


def test_in_process_versions_and_the_environment_lifecycle(in_process):
    """The model behaviour meant for upstream, under moto's mock_aws."""
    s3, eb = in_process("s3"), in_process("elasticbeanstalk")
    s3.create_bucket(Bucket="bundles")
    s3.put_object(Bucket="bundles", Key="v1.zip", Body=b"PK")
    eb.create_application(ApplicationName="in-process")
    with pytest.raises(ClientError) as excinfo:
        eb.create_application_version(
            ApplicationName="in-process", VersionLabel="v0", SourceBundle={"S3Bucket": "bundles", "S3Key": "none.zip"}
        )
    assert error(excinfo)[0] == "InvalidParameterCombination"
    version = eb.create_application_version(
        ApplicationName="in-process", VersionLabel="v1", SourceBundle={"S3Bucket": "bundles", "S3Key": "v1.zip"}
    )["ApplicationVersion"]
    assert version["Status"] == "UNPROCESSED"
    env = eb.create_environment(
        ApplicationName="in-process", EnvironmentName="in-process-env", SolutionStackName=STACK, VersionLabel="v1"
    )
    assert env["EnvironmentId"].startswith("e-") and (env["Status"], env["Health"]) == ("Launching", "Grey")
    ready = wait_status(eb, env["EnvironmentId"], "Ready")
    assert (ready["Health"], ready["VersionLabel"]) == ("Green", "v1")
    with pytest.raises(ClientError) as excinfo:
        eb.create_environment(
            ApplicationName="in-process",
            EnvironmentName="other",
            SolutionStackName="64bit Amazon Linux 2 v3.5.0 running Python 3.8",
        )
    assert error(excinfo)[0] == "InvalidParameterValue"
