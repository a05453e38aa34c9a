import io

import pytest

from refarch_emulator import calllog


def environ(method="POST", path="/", query="", target=None, service="ec2", body=b"", content_type=""):
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 Credential=testing/20261127/us-east-1/{service}/aws4_request, X",
    }
    if target:
        env["HTTP_X_AMZ_TARGET"] = target
    return env


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (environ(target="AmazonSQS.SendMessage", service="sqs"), ("sqs", "SendMessage")),
        (environ(target="AWSStepFunctions.StartExecution", service="states"), ("states", "StartExecution")),
        (environ(query="Action=DescribeVpcs&Version=2016-11-15"), ("ec2", "DescribeVpcs")),
        (environ(method="GET", path="/2015-03-31/functions/verifier", service="lambda"), ("lambda", "GetFunction")),
        (environ(method="GET", path="/bucket", query="versioning", service="s3"), ("s3", "GetBucketVersioning")),
        (environ(method="PUT", path="/bucket/key/x.zip", service="s3"), ("s3", "PutObject")),
        (
            environ(method="DELETE", path="/bucket/key", query="uploadId=1", service="s3"),
            ("s3", "AbortMultipartUpload"),
        ),
        (environ(method="DELETE", path="/bucket/key", service="s3"), ("s3", "DeleteObject")),
        (environ(path="/service/Svc/operation/GetMetricData", service="monitoring"), ("monitoring", "GetMetricData")),
    ],
)
def test_operation_name(env, expected):
    assert calllog.operation_name(env, b"") == expected


def test_operation_name_reads_form_encoded_query_api_bodies():
    body = b"Action=CreateAutoScalingGroup&Version=2011-01-01"
    env = environ(service="autoscaling", body=body, content_type="application/x-www-form-urlencoded; charset=utf-8")
    assert calllog.operation_name(env, body) == ("autoscaling", "CreateAutoScalingGroup")


@pytest.mark.parametrize(
    ("action", "mutating"),
    [
        ("DescribeInstances", False),
        ("GetRole", False),
        ("ListTagsForResource", False),
        ("HeadBucket", False),
        ("BatchGetProjects", False),
        ("AssumeRole", False),
        ("CreateQueue", True),
        ("PutRolePolicy", True),
        ("UpdatePipeline", True),
        ("GET /unknown", True),  # unknown: counted as mutating, so a check can't pass by accident
    ],
)
def test_is_mutating(action, mutating):
    assert calllog.is_mutating(action) is mutating


def test_recorder_writes_one_line_per_call_and_passes_the_body_on(tmp_path):
    record = tmp_path / "calls.tsv"
    bodies = []

    def app(env, start_response):
        bodies.append(env["wsgi.input"].read())
        start_response("400 Bad Request", [])
        return [b""]

    recorder = calllog.CallRecorder(app, str(record))
    body = b"Action=DeleteLaunchTemplate&LaunchTemplateName=web"
    recorder(environ(body=body, content_type="application/x-www-form-urlencoded"), lambda *a: None)
    recorder(environ(path="/moto-api/reset"), lambda *a: None)  # the emulator's own API is not AWS
    calls = calllog.read_calls(str(record))
    assert [(c.service, c.action, c.status) for c in calls] == [("ec2", "DeleteLaunchTemplate", 400)]
    assert bodies[0] == body
    assert "web" not in record.read_text()  # parameters (and so secrets) never reach the record
