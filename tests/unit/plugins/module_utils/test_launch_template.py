import base64

import pytest
from ansible_collections.refarch.aws.plugins.module_utils import launch_template as lt
from ansible_collections.refarch.aws.plugins.module_utils import runner
from botocore.exceptions import ClientError

from .stubbed import stubbed

AMI = "ami-0d27e0fb3bac4d724"
TEMPLATE = {
    "LaunchTemplateId": "lt-0123456789abcdef0",
    "LaunchTemplateName": "web-lt",
    "LatestVersionNumber": 3,
    "DefaultVersionNumber": 1,
    "Tags": [{"Key": "refarch:deployment", "Value": "refarch"}],
}


def params(**overrides):
    value = dict(
        instance_type="c5.large",
        security_group_ids=["sg-2", "sg-1"],
        user_data="#!/bin/bash\necho hi\n",
        metadata_http_tokens="required",
        metadata_hop_limit=2,
        key_name=None,
        iam_instance_profile=None,
        instance_tags=None,
    )
    value.update(overrides)
    return value


def test_build_data_encodes_user_data_and_requires_imdsv2():
    data = lt.build_data(params(), AMI)
    assert data == {
        "ImageId": AMI,
        "InstanceType": "c5.large",
        "SecurityGroupIds": ["sg-1", "sg-2"],
        "UserData": base64.b64encode(b"#!/bin/bash\necho hi\n").decode(),
        "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 2},
    }


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("web", {"Name": "web"}),
        ("arn:aws:iam::123456789012:instance-profile/web", {"Arn": "arn:aws:iam::123456789012:instance-profile/web"}),
    ],
)
def test_build_data_instance_profile_by_name_or_arn(profile, expected):
    assert lt.build_data(params(iam_instance_profile=profile), AMI)["IamInstanceProfile"] == expected


def test_build_data_instance_tags_go_to_instances_and_volumes():
    specs = lt.build_data(params(instance_tags={"a": "b"}), AMI)["TagSpecifications"]
    assert [s["ResourceType"] for s in specs] == ["instance", "volume"]
    assert specs[0]["Tags"] == [{"Key": "a", "Value": "b"}]


@pytest.mark.parametrize(("text", "encoded"), [(None, None), ("", ""), ("é", "w6k=")])
def test_encode_user_data(text, encoded):
    assert lt.encode_user_data(text) == encoded


def test_normalize_data_keeps_managed_keys_sorted_and_drops_template_tags():
    data = {
        "ImageId": AMI,
        "SecurityGroupIds": ["sg-b", "sg-a"],
        "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled", "State": "applied"},
        "TagSpecifications": [
            {"ResourceType": "launch-template", "Tags": [{"Key": "refarch:deployment", "Value": "x"}]},
            {"ResourceType": "instance", "Tags": [{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "1"}]},
        ],
        "EbsOptimized": True,
    }
    assert lt.normalize_data(data) == {
        "ImageId": AMI,
        "SecurityGroupIds": ["sg-a", "sg-b"],
        "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
        "TagSpecifications": [
            {"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}
        ],
    }


@pytest.mark.parametrize(
    ("desired", "current", "changes"),
    [
        ({"ImageId": AMI, "InstanceType": "c5.large"}, {"ImageId": AMI, "InstanceType": "c5.large"}, []),
        ({"ImageId": AMI, "InstanceType": "m5.large"}, {"ImageId": AMI, "InstanceType": "c5.large"}, ["InstanceType"]),
        ({"ImageId": AMI}, {"ImageId": AMI, "KeyName": "old"}, ["KeyName"]),
        ({"UserData": "bmV3"}, {"UserData": "b2xk"}, ["UserData"]),
        (
            {"MetadataOptions": {"HttpTokens": "required"}},
            {"MetadataOptions": {"HttpTokens": "optional"}},
            ["MetadataOptions.HttpTokens"],
        ),
        ({"ImageId": AMI}, None, ["ImageId"]),
    ],
)
def test_data_changes(desired, current, changes):
    assert lt.data_changes(desired, current) == changes


def test_normalize_template():
    version = {"LaunchTemplateData": {"ImageId": AMI, "InstanceType": "c5.large"}}
    assert lt.normalize_template(TEMPLATE, version) == dict(
        launch_template_id="lt-0123456789abcdef0",
        launch_template_name="web-lt",
        latest_version=3,
        default_version=1,
        tags={"refarch:deployment": "refarch"},
        data={"ImageId": AMI, "InstanceType": "c5.large"},
    )
    assert lt.normalize_template(None, None) == {}


def test_get_template_found_and_missing():
    client, stub = stubbed("ec2")
    stub.add_response("describe_launch_templates", {"LaunchTemplates": [TEMPLATE]}, {"LaunchTemplateNames": ["web-lt"]})
    stub.add_client_error("describe_launch_templates", "InvalidLaunchTemplateName.NotFoundException")
    with stub:
        assert lt.get_template(client, "web-lt") == TEMPLATE
        assert lt.get_template(client, "gone") is None
    stub.assert_no_pending_responses()


def test_get_template_other_errors_propagate():
    client, stub = stubbed("ec2")
    stub.add_client_error("describe_launch_templates", "UnauthorizedOperation", http_status_code=403)
    with stub, pytest.raises(ClientError):
        lt.get_template(client, "web-lt")


def test_list_templates_pages_through_the_tag_filter():
    client, stub = stubbed("ec2")
    filters = [{"Name": "tag:refarch:deployment", "Values": ["refarch"]}]
    stub.add_response(
        "describe_launch_templates", {"LaunchTemplates": [TEMPLATE], "NextToken": "t"}, {"Filters": filters}
    )
    stub.add_response("describe_launch_templates", {"LaunchTemplates": []}, {"Filters": filters, "NextToken": "t"})
    with stub:
        assert lt.list_templates(client, "refarch") == [TEMPLATE]


def test_get_version_and_missing_version():
    client, stub = stubbed("ec2")
    version = {"VersionNumber": 3, "LaunchTemplateData": {"ImageId": AMI}}
    expected = {"LaunchTemplateId": "lt-1", "Versions": ["$Latest"]}
    stub.add_response("describe_launch_template_versions", {"LaunchTemplateVersions": [version]}, expected)
    stub.add_client_error("describe_launch_template_versions", "InvalidLaunchTemplateId.VersionNotFound")
    with stub:
        assert lt.get_version(client, "lt-1") == version
        assert lt.get_version(client, "lt-1", 9) is None


def test_create_template_tags_the_template_itself():
    client, stub = stubbed("ec2")
    data = {"ImageId": AMI}
    stub.add_response(
        "create_launch_template",
        {"LaunchTemplate": TEMPLATE},
        {
            "LaunchTemplateName": "web-lt",
            "LaunchTemplateData": data,
            "TagSpecifications": [
                {"ResourceType": "launch-template", "Tags": [{"Key": "refarch:deployment", "Value": "refarch"}]}
            ],
        },
    )
    with stub:
        assert lt.create_template(client, "web-lt", data, {"refarch:deployment": "refarch"}) == TEMPLATE


def test_create_version_and_tags_and_delete():
    client, stub = stubbed("ec2")
    stub.add_response(
        "create_launch_template_version",
        {"LaunchTemplateVersion": {"VersionNumber": 4}},
        {"LaunchTemplateId": "lt-1", "LaunchTemplateData": {"ImageId": AMI}, "VersionDescription": "why"},
    )
    stub.add_response("create_tags", {}, {"Resources": ["lt-1"], "Tags": [{"Key": "a", "Value": "1"}]})
    stub.add_response("delete_tags", {}, {"Resources": ["lt-1"], "Tags": [{"Key": "old"}]})
    stub.add_response("delete_launch_template", {}, {"LaunchTemplateId": "lt-1"})
    stub.add_client_error("delete_launch_template", "InvalidLaunchTemplateId.NotFound")
    with stub:
        assert lt.create_version(client, "lt-1", {"ImageId": AMI}, "why")["VersionNumber"] == 4
        lt.set_tags(client, "lt-1", {"a": "1"}, ["old"])
        assert lt.delete_template(client, "lt-1") is True
        assert lt.delete_template(client, "lt-1") is False
    stub.assert_no_pending_responses()


def test_resolve_ssm_image():
    client, stub = stubbed("ssm")
    name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    stub.add_response("get_parameter", {"Parameter": {"Name": name, "Value": AMI}}, {"Name": name})
    with stub:
        assert lt.resolve_ssm_image(client, name) == AMI


# ---------------------------------------------------------------- the runner's service


def service_params(**overrides):
    value = params(
        name="web-lt",
        state="present",
        image_id=AMI,
        image_ssm_parameter=None,
        version_description=None,
        deployment="refarch",
        tags=None,
        purge_tags=True,
    )
    value.update(overrides)
    return value


def stub_read(stub, data):
    stub.add_response("describe_launch_templates", {"LaunchTemplates": [TEMPLATE]}, {"LaunchTemplateNames": ["web-lt"]})
    version = {"VersionNumber": 3, "LaunchTemplateData": data}
    stub.add_response("describe_launch_template_versions", {"LaunchTemplateVersions": [version]})


def run_service(stub, ec2, check_mode=False, **overrides):
    service = lt.TemplateService({"ec2": ec2, "ssm": None}, service_params(**overrides))
    with stub:
        result = runner.execute(service, service.params, check_mode)
    stub.assert_no_pending_responses()
    return result


def test_service_in_sync_template_makes_no_call_beyond_the_read():
    ec2, stub = stubbed("ec2")
    stub_read(stub, lt.build_data(params(), AMI))
    result = run_service(stub, ec2)
    assert result["changed"] is False and result["changed_keys"] == [] and result["version_created"] is None


def test_service_tags_alone_change_in_place_without_a_version():
    ec2, stub = stubbed("ec2")
    stub_read(stub, lt.build_data(params(), AMI))
    stub.add_response(
        "create_tags", {}, {"Resources": [TEMPLATE["LaunchTemplateId"]], "Tags": [{"Key": "team", "Value": "web"}]}
    )
    stub_read(stub, lt.build_data(params(), AMI))
    result = run_service(stub, ec2, tags={"team": "web"})
    assert result["changed_keys"] == ["tags"] and result["version_created"] is None


def test_service_data_change_predicts_then_makes_one_version():
    ec2, stub = stubbed("ec2")
    stub_read(stub, lt.build_data(params(instance_type="c5.xlarge"), AMI))
    check = run_service(stub, ec2, check_mode=True)
    assert check["changed_keys"] == ["InstanceType"] and check["version_created"] == 0
    assert check["launch_template"]["latest_version"] == 4

    ec2, stub = stubbed("ec2")
    stub_read(stub, lt.build_data(params(instance_type="c5.xlarge"), AMI))
    stub.add_response("create_launch_template_version", {"LaunchTemplateVersion": {"VersionNumber": 4}})
    stub_read(stub, lt.build_data(params(), AMI))
    assert run_service(stub, ec2)["version_created"] == 4


def test_service_refuses_a_template_without_our_tag():
    ec2, stub = stubbed("ec2")
    foreign = dict(TEMPLATE, Tags=[])
    stub.add_response("describe_launch_templates", {"LaunchTemplates": [foreign]})
    stub.add_response("describe_launch_template_versions", {"LaunchTemplateVersions": []})
    with pytest.raises(runner.Refused, match="not ours"):
        run_service(stub, ec2, state="absent")


def test_the_diff_shows_user_data_decoded():
    service = lt.TemplateService({}, {})
    before = {"data": {"UserData": lt.encode_user_data("#!/bin/bash\necho old\n")}}
    after = {"data": {"UserData": lt.encode_user_data("#!/bin/bash\necho new\n")}}
    shown = service.diff(before, after)
    assert (shown[1]["before"], shown[1]["after"]) == ("#!/bin/bash\necho old\n", "#!/bin/bash\necho new\n")
    binary = base64.b64encode(b"\x1f\x8b\x08\x00\xff").decode()
    assert lt.decode_user_data(binary) == "(binary user data, 5 bytes)\n"
