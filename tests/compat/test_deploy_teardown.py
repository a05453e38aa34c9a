"""The oldest supported Ansible (make test-compat runs this in .venv-compat): every stack deployed
with site.yml on a private emulator, then torn down with teardown.yml, and nothing left.

The integration tests prove each stack in depth on the Ansible we develop on; this proves the
collection, the roles and the playbooks still run end to end on the oldest ansible-core that
meta/runtime.yml's requires_ansible admits, with the amazon.aws that Ansible bundles."""

from __future__ import annotations

import re

import pytest
import yaml
from ansible.release import __version__ as ansible_core_version

from tests.support import leftovers
from tests.support.playbook import ROOT, run_playbook

pytestmark = pytest.mark.integration
# Short waits on the emulator's short clock (as tests/integration/conftest.py's site deployment).
SITE_VARS = {"beanstalk_codepipeline_poll_interval": 1, "beanstalk_codepipeline_wait_timeout": 120}
# What each stack builds, by kind: the deployment really built all three.
BUILT = {
    "spot_asg_alb": {"autoscaling:group", "ec2:launch-template", "elbv2:load-balancer", "elbv2:target-group"},
    "sfn_sqs_callback": {"sqs:queue", "lambda:function", "stepfunctions:state-machine"},
    "beanstalk_codepipeline": {"codepipeline:pipeline", "codebuild:project", "elasticbeanstalk:environment"},
}


def test_this_is_the_oldest_ansible_core_the_collection_admits():
    """Run in .venv-compat (make test-compat): its ansible-core is requires_ansible's minimum release line."""
    requires = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["requires_ansible"]
    oldest = re.fullmatch(r">=(\d+\.\d+)\.\d+", requires).group(1)
    assert ansible_core_version.startswith(oldest + "."), (ansible_core_version, requires)


def test_site_then_teardown_leaves_nothing(aws):
    deployed = run_playbook("site.yml", aws.environment(), extra_vars=SITE_VARS)
    assert deployed.rc == 0, deployed.stdout[-4000:] + deployed.stderr[-2000:]
    assert deployed.deprecations() == []
    kinds = {resource.kind for resource in leftovers.leftovers(aws.url, "refarch")}
    for stack, built in BUILT.items():
        assert built <= kinds, (stack, sorted(built - kinds))

    removed = run_playbook("teardown.yml", aws.environment())
    assert removed.rc == 0, removed.stdout[-4000:] + removed.stderr[-2000:]
    assert "Could not delete" not in removed.stdout
    assert removed.deprecations() == []
    assert leftovers.leftovers(aws.url, "refarch") == []
