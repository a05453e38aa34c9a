"""The application service on the runner, against stubbed Elastic Beanstalk and S3 clients."""

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import beanstalk, runner
from ansible_collections.refarch.aws.plugins.module_utils.beanstalk_application import (
    ApplicationService,
    ApplicationsInfo,
)
from botocore.stub import ANY

from .stubbed import stubbed

APP_ARN = "arn:aws:elasticbeanstalk:us-east-1:123456789012:application/web"
OWNED = [{"Key": "refarch:deployment", "Value": "refarch"}]


@pytest.fixture
def webapp(tmp_path):
    (tmp_path / "application.py").write_text("application = None\n")
    return tmp_path


def task(webapp, **overrides):
    version = dict(source_dir=str(webapp), bucket="artifacts", key_prefix=None, description=None)
    params = dict(name="web", description=None, state="present", version=version, deployment="refarch")
    params.update(tags=None, purge_tags=True, wait=True, wait_timeout=5)
    return dict(params, **overrides)


def label_of(webapp):
    return beanstalk.version_label(beanstalk.build_bundle(str(webapp))[1])


def application(stub, versions):
    app = {"ApplicationName": "web", "ApplicationArn": APP_ARN, "Description": "", "Versions": versions}
    stub.add_response("describe_applications", {"Applications": [app]}, {"ApplicationNames": ["web"]})
    stub.add_response("list_tags_for_resource", {"ResourceTags": OWNED}, {"ResourceArn": APP_ARN})


def execute(params, eb, s3_client=None, check_mode=False):
    service = ApplicationService({"elasticbeanstalk": eb, "s3": s3_client}, params)
    return runner.execute(service, params, check_mode)


def test_unchanged_code_is_no_new_version_and_no_call_but_the_reads(webapp):
    eb, stub = stubbed("elasticbeanstalk")
    application(stub, [label_of(webapp)])
    with stub:
        result = execute(task(webapp), eb)
    stub.assert_no_pending_responses()
    assert result["changed"] is False and result["changed_keys"] == []
    assert result["version_label"] == label_of(webapp)
    assert result["source_bundle"] == {"bucket": "artifacts", "key": "web/%s.zip" % label_of(webapp)}


def test_new_code_uploads_and_creates_an_unprocessed_version_without_waiting(webapp):
    eb, stub = stubbed("elasticbeanstalk")
    s3_client, s3_stub = stubbed("s3")
    label = label_of(webapp)
    key = "web/%s.zip" % label
    application(stub, ["v-old"])
    stub.add_response(
        "describe_application_versions",
        {"ApplicationVersions": []},
        {"ApplicationName": "web", "VersionLabels": [label]},
    )
    s3_stub.add_client_error(
        "head_object", "404", "Not Found", 404, expected_params={"Bucket": "artifacts", "Key": key}
    )
    s3_stub.add_response("put_object", {}, {"Bucket": "artifacts", "Key": key, "Body": ANY})
    created = {"ApplicationName": "web", "VersionLabel": label}
    expected = dict(created, SourceBundle={"S3Bucket": "artifacts", "S3Key": key}, Process=False, Tags=OWNED)
    stub.add_response("create_application_version", {"ApplicationVersion": created}, expected)
    with stub, s3_stub:
        result = execute(task(webapp), eb, s3_client)
    stub.assert_no_pending_responses()
    s3_stub.assert_no_pending_responses()
    assert result["changed_keys"] == ["versions"]
    assert result["application"]["versions"] == sorted([label, "v-old"])


def test_a_bundle_with_configuration_files_is_processed_and_waited_for(webapp):
    (webapp / ".ebextensions").mkdir()
    (webapp / ".ebextensions" / "options.config").write_text("option_settings: []\n")
    eb, stub = stubbed("elasticbeanstalk")
    s3_client, s3_stub = stubbed("s3")
    label = label_of(webapp)
    application(stub, [])
    stub.add_response("describe_application_versions", {"ApplicationVersions": []})
    s3_stub.add_response("head_object", {})
    stub.add_response("create_application_version", {"ApplicationVersion": {}}, dict(ANY_VERSION, Process=True))
    # The wait reads the version (client.wait_for polls; its own tests cover that).
    version = {"ApplicationName": "web", "VersionLabel": label, "Status": "PROCESSED"}
    stub.add_response("describe_application_versions", {"ApplicationVersions": [version]})
    with stub, s3_stub:
        result = execute(task(webapp, wait_timeout=30), eb, s3_client)
    stub.assert_no_pending_responses()
    assert result["changed"] is True


ANY_VERSION = dict(ApplicationName="web", VersionLabel=ANY, SourceBundle=ANY, Tags=ANY)


def test_check_mode_create_predicts_the_application_with_its_version(webapp):
    eb, stub = stubbed("elasticbeanstalk")
    stub.add_response("describe_applications", {"Applications": []}, {"ApplicationNames": ["web"]})
    with stub:
        result = execute(task(webapp, description="d"), eb, check_mode=True)
    assert result["application"] == {
        "name": "web",
        "arn": None,
        "description": "d",
        "versions": [label_of(webapp)],
        "tags": {"refarch:deployment": "refarch"},
    }


def test_a_missing_source_dir_is_named_before_any_call(tmp_path):
    messages = ApplicationService.validate(task(tmp_path / "missing"))
    assert messages == ["version.source_dir %s is not a directory" % (tmp_path / "missing")]
    assert ApplicationService.validate(task(tmp_path / "missing", state="absent")) == []


def test_info_lists_the_deployments_applications_and_environments():
    eb, stub = stubbed("elasticbeanstalk")
    other = "arn:aws:elasticbeanstalk:us-east-1:123456789012:application/other"
    apps = [
        {"ApplicationName": "web", "ApplicationArn": APP_ARN},
        {"ApplicationName": "other", "ApplicationArn": other},
    ]
    stub.add_response("describe_applications", {"Applications": apps}, {})
    stub.add_response("list_tags_for_resource", {"ResourceTags": OWNED}, {"ResourceArn": APP_ARN})
    stub.add_response("list_tags_for_resource", {"ResourceTags": []}, {"ResourceArn": other})
    env_arn = "arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/web/web-env"
    env = {"EnvironmentName": "web-env", "ApplicationName": "web", "EnvironmentArn": env_arn, "Status": "Ready"}
    stub.add_response("describe_environments", {"Environments": [env]}, {"IncludeDeleted": False})
    stub.add_response("list_tags_for_resource", {"ResourceTags": OWNED}, {"ResourceArn": env_arn})
    with stub:
        result = runner.execute_info(
            ApplicationsInfo({"elasticbeanstalk": eb}, {}), dict(name=None, tags={}, deployment="refarch")
        )
    stub.assert_no_pending_responses()
    assert [a["name"] for a in result["applications"]] == ["web"]
    assert [e["name"] for e in result["environments"]] == ["web-env"]
