from ansible_collections.refarch.aws.plugins.module_utils import codepipeline as cp
from ansible_collections.refarch.aws.plugins.modules import codepipeline

STAGES = [
    {
        "name": "Source",
        "actions": [
            {
                "name": "GitHub",
                "actionTypeId": {"category": "Source", "owner": "ThirdParty", "provider": "GitHub", "version": "1"},
                "configuration": {"Owner": "o", "Repo": "r", "Branch": "main"},
            }
        ],
    },
    {
        "name": "Build",
        "actions": [
            {
                "name": "CodeBuild",
                "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
                "configuration": {"ProjectName": "p"},
            }
        ],
    },
]


def test_the_token_goes_only_into_github_v1_actions_and_is_masked_in_the_view():
    desired = cp.build_pipeline(
        dict(name="p", role_arn="r", artifact_bucket="b", stages=STAGES, pipeline_type=None, execution_mode=None)
    )
    codepipeline.inject_token(desired, "tok")
    assert desired["stages"][0]["actions"][0]["configuration"]["OAuthToken"] == "tok"
    assert "OAuthToken" not in desired["stages"][1]["actions"][0]["configuration"]
    shown = codepipeline.view(dict(desired, version=1), {"pipelineArn": "arn"}, {})
    assert "tok" not in repr(shown)
    assert shown["stage_summary"][0] == {"name": "Source", "actions": [{"name": "GitHub", "provider": "GitHub"}]}
