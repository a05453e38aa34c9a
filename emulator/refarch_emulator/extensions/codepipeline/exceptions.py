"""Errors CodePipeline answers that moto does not define (JSON ``__type`` = the class's name)."""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError


class _Error(JsonRESTError):
    code = 400

    def __init__(self, message: str):
        super().__init__(type(self).__name__, message)


class PipelineNameInUseException(_Error):
    pass


class InvalidApprovalTokenException(_Error):
    pass


class ApprovalAlreadyCompletedException(_Error):
    pass


class StageNotFoundException(_Error):
    pass


class ActionNotFoundException(_Error):
    pass


class PipelineExecutionNotStoppableException(_Error):
    pass


class DuplicatedStopRequestException(_Error):
    pass


class ValidationException(_Error):
    pass


class InvalidStructureException(_Error):
    pass
