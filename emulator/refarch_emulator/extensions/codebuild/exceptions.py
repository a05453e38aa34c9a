"""Errors CodeBuild answers that moto does not define."""

from __future__ import annotations

from moto.codebuild.exceptions import InvalidInputException

# AWS's message when CodeBuild cannot assume the service role (aws codebuild create-project, 2025).
ASSUME_ROLE_MESSAGE = (
    "CodeBuild is not authorized to perform: sts:AssumeRole on service role. Please verify that: 1) The "
    "provided service role exists, 2) The role name is case-sensitive and matches exactly, and 3) The role "
    "has the necessary trust policy configured."
)


class RoleNotAssumable(InvalidInputException):
    def __init__(self) -> None:
        super().__init__(ASSUME_ROLE_MESSAGE)
