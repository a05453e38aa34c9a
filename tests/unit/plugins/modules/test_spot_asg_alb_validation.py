"""Bad input to the stack 1 modules is reported, naming the parameter, before any API call."""

import pytest
from ansible_collections.refarch.aws.plugins.module_utils.autoscaling import GroupService
from ansible_collections.refarch.aws.plugins.module_utils.elbv2 import LoadBalancerService
from ansible_collections.refarch.aws.plugins.module_utils.launch_template import TemplateService

TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef"


def template_params(**overrides):
    value = dict(
        name="web-lt",
        state="present",
        image_id="ami-0d27e0fb3bac4d724",
        image_ssm_parameter=None,
        instance_type="c5.large",
        security_group_ids=["sg-0123456789abcdef0"],
        metadata_hop_limit=2,
    )
    value.update(overrides)
    return value


def group_params(**overrides):
    value = dict(
        name="web-asg",
        state="present",
        launch_template="web-lt",
        launch_template_version="$Latest",
        instance_types=["c5.large", "m5.large"],
        instance_weights=None,
        instance_requirements=None,
        subnet_ids=["subnet-0123456789abcdef0"],
        target_group_arns=[TG],
        min_size=2,
        max_size=10,
        desired_capacity=None,
        on_demand_base_capacity=0,
        on_demand_percentage_above_base_capacity=0,
        health_check_grace_period=300,
        instance_refresh_min_healthy_percentage=90,
        wait_timeout=600,
    )
    value.update(overrides)
    return value


def alb_params(**overrides):
    value = dict(
        name="web-alb",
        target_group_name="web-tg",
        state="present",
        vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        security_group_ids=[],
        health_check_path="/",
        health_check_matcher="200",
        listener_port=80,
        target_port=80,
        health_check_interval=15,
        health_check_timeout=5,
        healthy_threshold=2,
        unhealthy_threshold=2,
        deregistration_delay=90,
        wait_timeout=600,
    )
    value.update(overrides)
    return value


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({}, []),
        (dict(image_id="ami-nope"), ["image_id"]),
        (dict(image_id=None), ["image_id or image_ssm_parameter"]),
        (dict(instance_type=None), ["instance_type"]),
        (dict(security_group_ids=["default"]), ["security_group_ids"]),
        (dict(metadata_hop_limit=0), ["metadata_hop_limit"]),
        (dict(name="x"), ["name"]),
        (dict(state="absent", image_id=None, instance_type=None), []),
    ],
)
def test_launch_template_validation(overrides, named):
    errors = TemplateService.validate(template_params(**overrides))
    assert len(errors) == len(named)
    for error, name in zip(errors, named, strict=True):
        assert name in error


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({}, []),
        (dict(max_size=1), ["max_size"]),
        (dict(desired_capacity=11), ["desired_capacity"]),
        (dict(instance_weights={"x1.large": 2}), ["instance_weights"]),
        (dict(instance_weights={"c5.large": 0}), ["instance_weights"]),
        (dict(instance_types=None), ["instance_types or instance_requirements"]),
        (dict(instance_types=None, instance_requirements={"VCpuCount": {"Min": 2}}), []),
        (dict(subnet_ids=[]), ["subnet_ids"]),
        (dict(target_group_arns=["web-tg"]), ["target_group_arns"]),
        (dict(on_demand_percentage_above_base_capacity=101), ["on_demand_percentage_above_base_capacity"]),
        (dict(launch_template_version="latest"), ["launch_template_version"]),
        (dict(state="absent", launch_template=None, subnet_ids=None), []),
    ],
)
def test_autoscaling_spot_group_validation(overrides, named):
    errors = GroupService.validate(group_params(**overrides))
    assert len(errors) == len(named), errors
    for error, name in zip(errors, named, strict=True):
        assert name in error


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({}, []),
        (dict(name="web_alb"), ["name"]),
        (dict(target_group_name="-tg"), ["target_group_name"]),
        (dict(subnet_ids=["subnet-0123456789abcdef0"]), ["subnet_ids"]),
        (dict(deregistration_delay=-1), ["deregistration_delay"]),
        (dict(health_check_timeout=15), ["health_check_timeout"]),
        (dict(health_check_path="health"), ["health_check_path"]),
        (dict(health_check_matcher="ok"), ["health_check_matcher"]),
        (dict(vpc_id=None), ["vpc_id"]),
        (dict(state="absent", vpc_id=None, subnet_ids=None), []),
    ],
)
def test_alb_validation(overrides, named):
    errors = LoadBalancerService.validate(alb_params(**overrides))
    assert len(errors) == len(named), errors
    for error, name in zip(errors, named, strict=True):
        assert name in error
