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
seealso:
  - module: refarch.aws.lambda_function
    description: The managing side of the same resource.
  - module: refarch.aws.lambda_event_source_mapping
    description: Works with this module (the description says how).
  - module: amazon.aws.lambda_info
    description: The stock module this one is written instead of (see the description for why).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - refarch.aws.common.info_filter
  - refarch.aws.common.read_only
author:
  - refarch.aws maintainers (@refarch)
"""

EXAMPLES = r"""
- name: Functions of the sfn_sqs_callback stack of deployment refarch
  refarch.aws.lambda_function_info:
    deployment: refarch
    tags:
      refarch:stack: sfn_sqs_callback
  register: owned
"""

RETURN = r"""
functions:
  description:
    - The functions found, each with the keys M(refarch.aws.lambda_function) returns in its
      RV(refarch.aws.lambda_function#module:function), and its event source mappings.
  returned: always
  type: list
  sample:
    - function_name: refarch-orders-verifier
      function_arn: "arn:aws:lambda:us-east-1:123456789012:function:refarch-orders-verifier"
      runtime: python3.12
      code_sha256: "t+grj0MyZBRIhBOSb88cdL4rRZVMun8fTN3Fp58/NXk="
      state: Active
      environment:
        INVENTORY: '{"WIDGET-1": 10}'
      tags:
        refarch:deployment: refarch
        refarch:stack: sfn_sqs_callback
      event_source_mappings:
        - uuid: acf3b89d-cd88-46cd-9915-4aa277db0d0e
          event_source_arn: "arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests"
          function_arn: "arn:aws:lambda:us-east-1:123456789012:function:refarch-orders-verifier"
          state: Enabled
          enabled: true
          batch_size: 10
          maximum_batching_window_in_seconds: 0
          report_batch_item_failures: true
          maximum_concurrency: 5
  elements: dict
  contains:
    function_name:
      description: Name.
      returned: always
      type: str
      sample: refarch-orders-verifier
    function_arn:
      description: ARN.
      returned: always
      type: str
      sample: arn:aws:lambda:us-east-1:123456789012:function:refarch-orders-verifier
    runtime:
      description: Runtime.
      returned: always
      type: str
      sample: python3.12
    code_sha256:
      description: Base64 SHA-256 of the package.
      returned: always
      type: str
      sample: t+grj0MyZBRIhBOSb88cdL4rRZVMun8fTN3Fp58/NXk=
    state:
      description: Lambda's C(State).
      returned: always
      type: str
      sample: Active
    environment:
      description: Environment variables.
      returned: always
      type: dict
      sample: {"INVENTORY": "{\"WIDGET-1\": 10}"}
    tags:
      description: Tags.
      returned: always
      type: dict
      sample: {"refarch:deployment": "refarch", "refarch:stack": "sfn_sqs_callback"}
    event_source_mappings:
      description:
        - The function's event source mappings, each as M(refarch.aws.lambda_event_source_mapping) returns its
          RV(refarch.aws.lambda_event_source_mapping#module:mapping).
      returned: always
      type: list
      elements: dict
      sample:
        - uuid: acf3b89d-cd88-46cd-9915-4aa277db0d0e
          event_source_arn: arn:aws:sqs:us-east-1:123456789012:refarch-orders-inventory-requests
          function_arn: arn:aws:lambda:us-east-1:123456789012:function:refarch-orders-verifier
          state: Enabled
          enabled: true
          batch_size: 10
          maximum_batching_window_in_seconds: 0
          report_batch_item_failures: true
          maximum_concurrency: 5
"""

from ansible_collections.refarch.aws.plugins.module_utils import runner
from ansible_collections.refarch.aws.plugins.module_utils.awslambda import FunctionsInfo


def main():
    runner.run_info(FunctionsInfo)


if __name__ == "__main__":
    main()
