"""aws_client makes its boto3 client at first use, and one per service per module run."""

from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client


class Module:
    """What aws_client needs of AnsibleAWSModule: ``client(service)``, counted."""

    def __init__(self):
        self.made = []

    def client(self, service, retry_decorator=None):
        self.made.append(service)
        return Client(service)


class Client:
    def __init__(self, service):
        self.service = service
        self.calls = []

    def describe(self, **kwargs):
        self.calls.append(kwargs)
        return {"service": self.service}


def test_a_client_never_used_is_never_made():
    module = Module()
    aws_client(module, "s3")
    assert module.made == []


def test_the_client_is_made_at_first_call_and_calls_pass_through_with_retries():
    module = Module()
    client = aws_client(module, "ec2")
    assert client.describe(aws_retry=True, Name="x") == {"service": "ec2"}
    assert client.describe(Name="y") == {"service": "ec2"}
    assert module.made == ["ec2"]


def test_one_client_per_service_per_module_run():
    module = Module()
    first = aws_client(module, "ec2")
    second = aws_client(module, "ec2", extra_error_codes=["InvalidGroup.NotFound"])
    other = aws_client(module, "autoscaling")
    first.describe()
    second.describe()
    other.describe()
    assert module.made == ["ec2", "autoscaling"]


def test_each_module_run_has_its_own_clients():
    one, two = Module(), Module()
    aws_client(one, "sqs").describe()
    aws_client(two, "sqs").describe()
    assert (one.made, two.made) == (["sqs"], ["sqs"])
