#!/usr/bin/python
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: lambda_function_info
short_description: Lambda functions by name, or every function a deployment owns, with their event source mappings
version_added: 0.1.0
description:
  - Lists Lambda functions in the shape M(refarch.aws.lambda_function) returns, each with its
    event source mappings (as M(refarch.aws.lambda_event_source_mapping) returns them).
  - With O(deployment), only functions carrying the ownership tag C(refarch:deployment=<deployment>);
    this is how teardown finds what to delete. M(amazon.aws.lambda_info) cannot filter by tag.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - refarch.aws.info_filter
  - refarch.aws.common.read_only
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: Functions of the sfn_sqs_callback stack of deployment prod
  refarch.aws.lambda_function_info:
    deployment: prod
    tags:
      refarch:stack: sfn_sqs_callback
  register: owned
"""

RETURN = r"""
functions:
  description: The functions found.
  returned: always
  type: list
  elements: dict
  contains:
    function_name:
      description: Name.
      type: str
      sample: orders-verifier
    tags:
      description: Tags.
      type: dict
      sample: {"refarch:deployment": "prod"}
    event_source_mappings:
      description: The function's event source mappings.
      type: list
      elements: dict
      sample:
        - uuid: acf3b89d-cd88-46cd-9915-4aa277db0d0e
          event_source_arn: arn:aws:sqs:us-east-1:123456789012:orders
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.refarch.aws.plugins.module_utils import awslambda, resource
from ansible_collections.refarch.aws.plugins.module_utils.client import aws_client


def with_mappings(client, function):
    if function is not None:
        function["event_source_mappings"] = awslambda.list_mappings(client, function["function_name"])
    return function


def list_all(client, params):
    """Functions whose tags match, each with its mappings: tags are read per function (no tag filter in the API)."""
    functions = []
    for configuration in awslambda.list_functions(client):
        tags = awslambda.function_tags(client, configuration["FunctionArn"])
        if tags is not None and resource.tags_match(tags, params["deployment"], params["tags"]):
            functions.append(with_mappings(client, awslambda.normalize_function(configuration, tags)))
    return functions


def main():
    module = AnsibleAWSModule(
        argument_spec=resource.INFO_ARGUMENT_SPEC, supports_check_mode=True, required_one_of=[["name", "deployment"]]
    )
    client = aws_client(module, "lambda")
    resource.run_info(
        module,
        "functions",
        "functions",
        lambda name: with_mappings(client, awslambda.get_function(client, name)),
        lambda: list_all(client, module.params),
    )


if __name__ == "__main__":
    main()
